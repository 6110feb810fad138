import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { QuizForm } from "#app/components/quiz-form.tsx";
import { StaticHtml } from "#app/components/static-html.tsx";
import { renderLessonHtml } from "#app/lesson-html.server.tsx";
import { localDate } from "#app/models/clock.server.ts";
import { sha256 } from "#app/models/content.server.ts";
import { compileSource } from "#app/models/lesson-compiler.server.ts";
import { readLessonFields, readQuizForm } from "#app/models/studio-files.server.ts";
import { checkStoredDraft } from "#app/models/studio.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { staticHtmlData } from "#app/route-helpers/static-html.server.tsx";
import { studioLesson } from "#app/route-helpers/studio-lesson.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Preview · Studio · DeskCoach" }];

/**
 * The draft as a learner will see it, through the same pipeline as the library's lessons: checked,
 * compiled and rendered on the server. A body that breaks the rules for authored MDX is never compiled.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { lesson } = await studioLesson(request, params.id);
  const ctx = await practiceContext();
  const check = await checkStoredDraft(services.db, lesson, { skills: services.library.builtIn.skills, today: localDate(ctx.now, ctx.timeZone) });
  const fields = readLessonFields(lesson.source);
  const quiz = readQuizForm(lesson.quiz);
  const base = { id: lesson.id, title: fields.title || "Untitled lesson", minutes: fields.minutes, objectives: fields.objectives, problems: check.problems.length };
  if (!check.compilable) {
    return { ...base, body: null, refused: check.problems.filter((p) => p.field === "body").map((p) => p.message), questions: [] };
  }
  const compiled = await compileSource(lesson.source, sha256(lesson.source, lesson.quiz ?? ""), services.env.CONTENT_CACHE_DIR);
  if ("problem" in compiled) return { ...base, body: null, refused: [compiled.problem.message], questions: [] };
  const html = renderLessonHtml(compiled.code, lesson.slug, `/manage/studio/lessons/${lesson.id}/images`);
  return {
    ...base,
    body: staticHtmlData(context, "preview-body", html),
    refused: [] as string[],
    questions: quiz.questions.map((q) => ({ id: q.id, type: q.type, prompt: q.prompt, choices: q.choices.map((c) => ({ id: c.id, text: c.text })) })),
  };
}

export default function Preview() {
  const { body, id, minutes, objectives, problems, questions, refused, title } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to={`/manage/studio/lessons/${id}`}>← Back to the editor</Link>
      </p>
      <p className="notice" role="status">
        Preview of the draft{problems > 0 ? `: ${problems} ${problems === 1 ? "problem" : "problems"} to fix before publishing (listed in the editor)` : ""}.
      </p>
      {refused.length > 0 ? (
        <div className="form-error" role="alert">
          <p>This text cannot be shown until these are fixed:</p>
          <ul>
            {refused.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <article className="lesson">
        <h1>{title}</h1>
        {minutes ? <p className="muted">About {minutes} minutes</p> : null}
        {objectives.length > 0 ? (
          <section className="objectives card" aria-labelledby="objectives-heading">
            <h2 id="objectives-heading">After this lesson you can</h2>
            <ul>
              {objectives.map((o) => (
                <li key={o}>{o}</li>
              ))}
            </ul>
          </section>
        ) : null}
        {body ? <StaticHtml className="lesson-body" data={body} /> : null}
        {questions.length > 0 ? (
          <fieldset disabled className="preview-quiz">
            <legend className="visually-hidden">Quiz preview (answers are not sent)</legend>
            <QuizForm lessonSlug="preview" questions={questions} requestId="preview" openedAt="" />
          </fieldset>
        ) : null}
      </article>
    </>
  );
}
