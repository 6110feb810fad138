// The studio's lesson editor: the MDX body with a snippet toolbar (with JavaScript; without it,
// the snippets are listed to copy), and the quiz as plain form fields.
import { useEffect, useRef, useState } from "react";

export interface EditorProblem {
  field: string;
  message: string;
}

export const SNIPPETS: { label: string; text: string }[] = [
  { label: "Scenario", text: '<Scenario title="Monday, 9:10 a.m.">\n\nWhat happened, with named people.\n\n</Scenario>\n' },
  { label: "Say this", text: '<SayThis>\n\n"The words to use."\n\n</SayThis>\n' },
  { label: "Not this", text: '<NotThis>\n\n"The words to avoid."\n\n</NotThis>\n' },
  { label: "Tip", text: "<Tip>\n\nA short tip.\n\n</Tip>\n" },
  { label: "Key point", text: "<KeyPoint>\n\nThe one thing to remember.\n\n</KeyPoint>\n" },
  { label: "Practice", text: "<Practice>\n\nSomething to try on the next shift.\n\n</Practice>\n" },
  { label: "Takeaways", text: "<Takeaways>\n\n- First.\n- Second.\n- Third.\n\n</Takeaways>\n" },
  { label: "Heading", text: "## A heading\n" },
  { label: "Picture", text: "![What the picture shows](images/name.png)\n" },
];

export function Problems({ id, problems, kind = "problem" }: { id: string; problems: EditorProblem[]; kind?: "problem" | "warning" }) {
  if (problems.length === 0) return null;
  return (
    <ul id={`${id}-${kind === "problem" ? "problems" : "warnings"}`} className={kind === "problem" ? "field-error problem-list" : "field-hint problem-list"}>
      {problems.map((p, i) => (
        <li key={i}>
          <span aria-hidden="true">{kind === "problem" ? "⚠ " : "ⓘ "}</span>
          {kind === "warning" ? "Advice: " : null}
          {p.message}
        </li>
      ))}
    </ul>
  );
}

export function BodyEditor({
  defaultValue,
  problems,
  warnings,
  error,
  maxLength,
  imageNames,
}: {
  defaultValue: string;
  problems: EditorProblem[];
  warnings: EditorProblem[];
  error?: string;
  maxLength: number;
  imageNames: string[];
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const all = error ? [...problems, { field: "body", message: error }] : problems;
  const insert = (text: string) => {
    const area = ref.current;
    if (!area) return;
    const start = area.selectionStart;
    const before = area.value.slice(0, start);
    const gap = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    area.setRangeText(`${gap}${text}`, start, area.selectionEnd, "end");
    area.focus();
  };
  const snippets = [...SNIPPETS.filter((s) => s.label !== "Picture"), ...imageNames.map((name) => ({ label: `Picture ${name}`, text: `![What the picture shows](images/${name})\n` }))];
  return (
    <div className="field">
      <label htmlFor="body">Lesson text (MDX)</label>
      <p id="body-hint" className="field-hint">
        Markdown with the lesson components. Problems name the line of this box they are on.
      </p>
      <Problems id="body" problems={all} />
      <Problems id="body" problems={warnings} kind="warning" />
      {hydrated ? (
        <div role="toolbar" aria-label="Insert a component" aria-controls="body" className="button-row">
          {snippets.map((s) => (
            <button key={s.label} type="button" className="button small" onClick={() => insert(s.text)}>
              {s.label}
            </button>
          ))}
        </div>
      ) : null}
      <textarea
        id="body"
        name="body"
        ref={ref}
        rows={24}
        defaultValue={defaultValue}
        maxLength={maxLength}
        spellCheck
        aria-invalid={all.length > 0 ? true : undefined}
        aria-describedby={["body-hint", all.length > 0 ? "body-problems" : null].filter(Boolean).join(" ")}
      />
      <details>
        <summary>The components and how to write them</summary>
        <dl>
          {SNIPPETS.map((s) => (
            <div key={s.label}>
              <dt>{s.label}</dt>
              <dd>
                <pre>{s.text}</pre>
              </dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}

interface QuizFormView {
  passPercent: number;
  questions: { id: string; type: "single" | "multiple"; prompt: string; explanation: string; choices: { id: string; text: string; correct: boolean; feedback: string }[] }[];
}

const CHOICE_SLOTS = 4;
const MAX_QUESTIONS = 5;

/** The quiz as fields: each question, its choices (which are right), feedback on each, and the pass mark. */
export function QuizEditor({ slug, quiz, problems, quizWarnings }: { slug: string; quiz: QuizFormView; problems: EditorProblem[]; quizWarnings: EditorProblem[] }) {
  const taken = quiz.questions.map((q) => q.id);
  const blank = (n: number) => {
    const stem = slug.split("-").slice(0, 2).join("-") || "question";
    let k = n;
    while (taken.includes(`${stem}-q${k}`)) k++;
    taken.push(`${stem}-q${k}`);
    return { id: `${stem}-q${k}`, type: "single" as const, prompt: "", explanation: "", choices: [] };
  };
  // Each question written so far, and empty ones to fill in (at least one; three for a new quiz).
  // Left empty, they are ignored.
  const blanks = Math.min(MAX_QUESTIONS - quiz.questions.length, Math.max(1, 3 - quiz.questions.length));
  const questions = [...quiz.questions, ...Array.from({ length: blanks }, (_, k) => blank(quiz.questions.length + 1 + k))];
  return (
    <fieldset className="card">
      <legend>Quiz</legend>
      <p className="field-hint">
        Three to five questions. Test judgment in a new situation, not the lesson's words; make wrong choices mistakes a new receptionist
        might really make, and give every choice feedback that says what it would mean for the patient.
      </p>
      <Problems id="quiz" problems={problems.filter((p) => p.field === "quiz")} />
      <div className="field">
        <label htmlFor="passPercent">Pass mark (percent)</label>
        <input id="passPercent" name="passPercent" inputMode="numeric" defaultValue={String(quiz.passPercent)} />
      </div>
      {questions.map((q, i) => {
        const own = problems.filter((p) => p.field === `q${i}`);
        const advice = quizWarnings.filter((p) => p.field === `q${i}`);
        const isNew = i >= quiz.questions.length;
        const choices = Array.from({ length: Math.max(CHOICE_SLOTS, q.choices.length) }, (_, j) => q.choices[j] ?? { id: "", text: "", correct: false, feedback: "" });
        return (
          <fieldset key={q.id} className="question-editor" id={`q${i}`}>
            <legend>{isNew ? `Add a question (question ${i + 1})` : `Question ${i + 1}`}</legend>
            <Problems id={`q${i}`} problems={own} />
            <Problems id={`q${i}`} problems={advice} kind="warning" />
            <div className="field">
              <input type="hidden" name={`q${i}-id`} value={q.id} />
              <label htmlFor={`q${i}-prompt`}>Question</label>
              <textarea id={`q${i}-prompt`} name={`q${i}-prompt`} rows={2} defaultValue={q.prompt} />
            </div>
            <div className="field">
              <label htmlFor={`q${i}-type`}>Answers</label>
              <select id={`q${i}-type`} name={`q${i}-type`} defaultValue={q.type}>
                <option value="single">One right answer</option>
                <option value="multiple">Several right answers (choose all that apply)</option>
              </select>
            </div>
            {choices.map((c, j) => (
              <fieldset key={j} className="choice-editor">
                <legend>Choice {String.fromCharCode(65 + j)}</legend>
                <div className="field">
                  <label htmlFor={`q${i}-c${j}-text`}>Choice text</label>
                  <input id={`q${i}-c${j}-text`} name={`q${i}-c${j}-text`} defaultValue={c.text} />
                </div>
                <div className="choice">
                  <input type="checkbox" id={`q${i}-c${j}-correct`} name={`q${i}-c${j}-correct`} defaultChecked={c.correct} />
                  <label htmlFor={`q${i}-c${j}-correct`}>This choice is right</label>
                </div>
                <div className="field">
                  <label htmlFor={`q${i}-c${j}-feedback`}>Feedback when chosen</label>
                  <input id={`q${i}-c${j}-feedback`} name={`q${i}-c${j}-feedback`} defaultValue={c.feedback} />
                </div>
              </fieldset>
            ))}
            <div className="field">
              <label htmlFor={`q${i}-explanation`}>Explanation (optional, shown after answering)</label>
              <input id={`q${i}-explanation`} name={`q${i}-explanation`} defaultValue={q.explanation} />
            </div>
            {isNew ? null : (
              <div className="choice">
                <input type="checkbox" id={`q${i}-remove`} name={`q${i}-remove`} />
                <label htmlFor={`q${i}-remove`}>Remove this question when saving</label>
              </div>
            )}
          </fieldset>
        );
      })}
    </fieldset>
  );
}
