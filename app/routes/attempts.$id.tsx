import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/route-helpers/auth.server.ts";
import { findAttempt, gradeQuiz, parseStoredAnswers } from "#app/models/quizzes.server.ts";
import { services } from "#app/services.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { invariantResponse, readId } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Quiz result · DeskCoach" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = readId(params.id);
  const attempt = id ? await findAttempt(services.db, id) : undefined;
  // Someone else's attempt does not exist, as far as this user can tell.
  invariantResponse(attempt && attempt.user_id === user.id);
  const lesson = (await currentCatalog()).lesson(attempt.lesson_slug);
  // The detailed review is only meaningful against the version the attempt was graded on.
  const graded =
    lesson?.quiz && lesson.contentHash === attempt.content_hash
      ? gradeQuiz(lesson.quiz, parseStoredAnswers(attempt.answers))
      : null;
  return {
    lesson: { slug: attempt.lesson_slug, title: lesson?.title ?? attempt.lesson_slug },
    score: attempt.score,
    passed: attempt.passed === 1,
    correctCount: attempt.correct_count,
    questionCount: attempt.question_count,
    passPercent: lesson?.quiz?.passPercent ?? 80,
    questions:
      graded?.questions.map((q) => ({
        id: q.id,
        prompt: q.prompt,
        correct: q.correct,
        missedSome: q.choices.some((c) => c.correct && !c.chosen),
        // What the learner chose, and what each choice teaches. Unchosen choices stay hidden,
        // so a retake is still a real test.
        chosen: q.choices.filter((c) => c.chosen).map((c) => ({ id: c.id, text: c.text, right: c.correct, feedback: c.feedback })),
        explanation: q.explanation,
      })) ?? null,
  };
}

export default function AttemptResult() {
  const attempt = useLoaderData<typeof loader>();
  return (
    <article className="result">
      <p className="eyebrow">
        <Link to={`/lessons/${attempt.lesson.slug}`}>{attempt.lesson.title}</Link> <span aria-hidden="true">›</span> Quiz result
      </p>
      <h1>{attempt.passed ? "You passed" : "Not passed yet"}</h1>
      <div className={`result-banner ${attempt.passed ? "passed" : "failed"}`} role="status">
        <p className="result-score">
          <span aria-hidden="true">{attempt.passed ? "✓ " : "✗ "}</span>
          {attempt.correctCount} of {attempt.questionCount} right · {attempt.score}%
        </p>
        <p>
          {attempt.passed
            ? "This lesson is complete. Nice work."
            : `You need ${attempt.passPercent}% to pass. Read the feedback below, then try again.`}
        </p>
      </div>
      {attempt.questions ? (
        <ol className="review">
          {attempt.questions.map((q) => (
            <li key={q.id} className={`review-item ${q.correct ? "right" : "wrong"}`}>
              <h2 className="review-prompt">{q.prompt}</h2>
              <p className="review-verdict">
                <strong>
                  <span aria-hidden="true">{q.correct ? "✓ " : "✗ "}</span>
                  {q.correct ? "Right" : "Not quite"}
                </strong>
                {!q.correct && q.missedSome ? " · at least one right answer was not chosen" : null}
              </p>
              <ul className="review-choices">
                {q.chosen.map((c) => (
                  <li key={c.id}>
                    <p>
                      You chose: <em>{c.text}</em>{" "}
                      <span className="choice-verdict">({c.right ? "a right answer" : "not a right answer"})</span>
                    </p>
                    <p className="feedback">{c.feedback}</p>
                  </li>
                ))}
              </ul>
              {q.explanation ? <p className="explanation">{q.explanation}</p> : null}
            </li>
          ))}
        </ol>
      ) : (
        <p>This lesson has changed since this attempt, so the answer review is no longer shown.</p>
      )}
      <p className="actions">
        {attempt.passed ? (
          <Link to="/learn" className="button primary">
            Back to learning
          </Link>
        ) : (
          <Link to={`/lessons/${attempt.lesson.slug}#quiz`} className="button primary">
            Retake the quiz
          </Link>
        )}{" "}
        <Link to="/progress" className="button">
          My progress
        </Link>
      </p>
    </article>
  );
}
