import { Form } from "@remix-run/react";
import { useReadingTime } from "./reading-time.ts";
import { useIsPending } from "./use-is-pending.ts";

export interface QuizQuestionView {
  id: string;
  type: "single" | "multiple";
  prompt: string;
  choices: { id: string; text: string }[];
}

interface Props {
  lessonSlug: string;
  questions: QuizQuestionView[];
  requestId: string;
  openedAt: string;
  errors?: Record<string, string>;
  selected?: Record<string, string[]>;
}

/**
 * The quiz: prompts and choices only. Works as a plain HTML form; with JavaScript it also
 * reports active reading time and blocks a second submit while the first is in flight.
 */
export function QuizForm({ lessonSlug, questions, requestId, openedAt, errors = {}, selected = {} }: Props) {
  const submitting = useIsPending({ intent: "submit" });
  const tracked = useReadingTime(lessonSlug);
  const hasErrors = Object.keys(errors).length > 0;
  return (
    <Form method="post" className="quiz stack" aria-labelledby="quiz-heading">
      <h2 id="quiz-heading">Quiz</h2>
      <p className="muted">Answer every question, then check your answers. You can retake it as often as you like.</p>
      {hasErrors ? (
        <div className="form-error" role="alert">
          <span aria-hidden="true">⚠ </span>Some questions need an answer. They are marked below.
        </div>
      ) : null}
      <input type="hidden" name="intent" value="submit" />
      <input type="hidden" name="requestId" value={requestId} />
      <input type="hidden" name="openedAt" value={openedAt} />
      <input type="hidden" name="tracked" value="0" ref={tracked} />
      {questions.map((q, index) => {
        const error = errors[q.id];
        const chosen = new Set(selected[q.id] ?? []);
        return (
          <fieldset
            key={q.id}
            className="question"
            aria-describedby={error ? `q-${q.id}-error` : undefined}
            aria-invalid={error ? true : undefined}
          >
            <legend>
              <span className="question-number">Question {index + 1}. </span>
              {q.prompt}
              {q.type === "multiple" ? <span className="question-hint"> (Choose all that apply.)</span> : null}
            </legend>
            {error ? (
              <p id={`q-${q.id}-error`} className="field-error">
                <span aria-hidden="true">⚠ </span>
                {error}
              </p>
            ) : null}
            {q.choices.map((c) => {
              const id = `q-${q.id}-${c.id}`;
              return (
                <div key={c.id} className="choice">
                  <input
                    type={q.type === "single" ? "radio" : "checkbox"}
                    id={id}
                    name={`q.${q.id}`}
                    value={c.id}
                    defaultChecked={chosen.has(c.id)}
                  />
                  <label htmlFor={id}>{c.text}</label>
                </div>
              );
            })}
          </fieldset>
        );
      })}
      {/* Shown when the form is sent offline (app/client/offline.ts): nothing is graded or queued. */}
      <p className="form-error" data-offline-not-sent="" role="alert" tabIndex={-1} hidden>
        You are offline, so your answers were not sent. They will be checked when you are back online: press the button again then.
      </p>
      <button type="submit" className="button primary" disabled={submitting}>
        {submitting ? "Checking…" : "Check my answers"}
      </button>
    </Form>
  );
}
