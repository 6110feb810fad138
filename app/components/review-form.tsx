import { Form } from "@remix-run/react";
import { useIsPending } from "./use-is-pending.ts";

export interface ReviewQuestion {
  key: string;
  field: string;
  lessonTitle: string;
  type: "single" | "multiple";
  prompt: string;
  choices: { id: string; text: string }[];
}

interface Props {
  questions: ReviewQuestion[];
  requestId: string;
  errors?: Record<string, string>;
  selected?: Record<string, string[]>;
}

/** Today's review questions: prompts and choices only, graded on the server. A plain HTML form. */
export function ReviewForm({ questions, requestId, errors = {}, selected = {} }: Props) {
  const submitting = useIsPending({ intent: "review" });
  return (
    <Form method="post" action="/learn" className="review-form stack" aria-label="Daily review questions" preventScrollReset>
      {Object.keys(errors).length > 0 ? (
        <div className="form-error" role="alert">
          <span aria-hidden="true">⚠ </span>Some questions need an answer. They are marked below.
        </div>
      ) : null}
      <input type="hidden" name="intent" value="review" />
      <input type="hidden" name="requestId" value={requestId} />
      {questions.map((q, index) => {
        const error = errors[q.key];
        const chosen = new Set(selected[q.key] ?? []);
        const base = `review-${index}`;
        return (
          <fieldset key={q.key} className="question" aria-describedby={error ? `${base}-error` : `${base}-from`} aria-invalid={error ? true : undefined}>
            <input type="hidden" name="item" value={q.key} />
            <legend>
              <span className="question-number">Question {index + 1}. </span>
              {q.prompt}
              {q.type === "multiple" ? <span className="question-hint"> (Choose all that apply.)</span> : null}
            </legend>
            <p id={`${base}-from`} className="muted review-from">
              From “{q.lessonTitle}”
            </p>
            {error ? (
              <p id={`${base}-error`} className="field-error">
                <span aria-hidden="true">⚠ </span>
                {error}
              </p>
            ) : null}
            {q.choices.map((c) => {
              const id = `${base}-${c.id}`;
              return (
                <div key={c.id} className="choice">
                  <input type={q.type === "single" ? "radio" : "checkbox"} id={id} name={q.field} value={c.id} defaultChecked={chosen.has(c.id)} />
                  <label htmlFor={id}>{c.text}</label>
                </div>
              );
            })}
          </fieldset>
        );
      })}
      <button type="submit" className="button primary" disabled={submitting}>
        {submitting ? "Checking…" : "Check my answers"}
      </button>
    </Form>
  );
}
