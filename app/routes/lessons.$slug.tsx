import { randomUUID } from "node:crypto";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireUser } from "#app/route-helpers/auth.server.ts";
import { QuizForm } from "#app/components/quiz-form.tsx";
import { useReadingTime } from "#app/components/reading-time.ts";
import { StaticHtml } from "#app/components/static-html.tsx";
import { isLessonAssignedTo } from "#app/models/assignments.server.ts";
import type { Catalog, CatalogLesson } from "#app/models/catalog.server.ts";
import { lessonProgressFor } from "#app/models/progress.server.ts";
import { choiceOrderFor, markLessonDone, readAnswers, submitQuiz } from "#app/models/quizzes.server.ts";
import { recordLessonTime } from "#app/models/visits.server.ts";
import { services } from "#app/services.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { staticHtmlData } from "#app/route-helpers/static-html.server.tsx";
import { formFields, invariantResponse, readForm, requestIdSchema } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.lesson.title} · DeskCoach` : "Lesson · DeskCoach" },
];

function findLesson(catalog: Catalog, slug: string | undefined): CatalogLesson {
  const lesson = slug ? catalog.lesson(slug) : undefined;
  invariantResponse(lesson);
  return lesson;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const catalog = await currentCatalog();
  const lesson = findLesson(catalog, params.slug);
  const module = catalog.module(lesson.moduleSlug);
  const [progress, assigned] = await Promise.all([
    lessonProgressFor(services.db, user.id, lesson.slug),
    isLessonAssignedTo(services.db, user.id, lesson),
  ]);
  const siblings = module?.lessons ?? [];
  const next = siblings[siblings.findIndex((l) => l.slug === lesson.slug) + 1];
  return {
    lesson: {
      slug: lesson.slug,
      title: lesson.title,
      minutes: lesson.minutes,
      objectives: lesson.objectives,
      body: staticHtmlData(context, "lesson-body", lesson.html),
      moduleTitle: module?.title ?? "",
      reviewed: lesson.reviewed,
      sources: lesson.sources,
    },
    // Prompts and choices only: the key and the feedback stay on the server.
    questions: lesson.questions ? choiceOrderFor(lesson.questions, `${user.id}:${lesson.contentHash}`) : null,
    next: next ? { slug: next.slug, title: next.title } : null,
    status: progress?.status ?? "not-started",
    attempts: progress?.attempts ?? 0,
    bestScore: progress?.bestScore ?? null,
    // An assigned lesson is kept on the phone for reading offline.
    keepOffline: assigned,
    requestId: randomUUID(),
    openedAt: services.clock.now().toISOString(),
  };
}

const common = z.object({
  requestId: requestIdSchema,
  openedAt: z.string().datetime().optional(),
  tracked: z.enum(["0", "1"]).optional(),
});

/** Without JavaScript, reading time is the time between opening the lesson and submitting it. */
async function recordUntrackedTime(userId: number, lessonSlug: string, fields: z.infer<typeof common>, now: Date) {
  if (fields.tracked === "1" || !fields.openedAt) return;
  const seconds = (now.getTime() - new Date(fields.openedAt).getTime()) / 1000;
  if (seconds > 0) await recordLessonTime(services.db, { userId, lessonSlug, seconds, now });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const lesson = findLesson(await currentCatalog(), params.slug);
  const form = await readForm(request);
  const fields = common.safeParse(formFields(form));
  if (!fields.success) {
    return data(
      { formError: "This form is out of date. Reload the page and try again.", errors: {}, selected: {} },
      { status: 400 },
    );
  }
  const now = services.clock.now();
  const intent = form.get("intent");

  if (intent === "done" && !lesson.quiz) {
    await recordUntrackedTime(user.id, lesson.slug, fields.data, now);
    await markLessonDone(services.db, { userId: user.id, lesson, now });
    throw redirect(`/lessons/${lesson.slug}`);
  }
  if (intent !== "submit" || !lesson.quiz) {
    return data({ formError: "Unknown action.", errors: {}, selected: {} }, { status: 400 });
  }
  const { answers, errors } = readAnswers(lesson.quiz, form);
  if (errors) return data({ formError: null, errors, selected: answers }, { status: 400 });
  await recordUntrackedTime(user.id, lesson.slug, fields.data, now);
  const { attemptId } = await submitQuiz(services.db, {
    userId: user.id,
    lesson,
    answers,
    requestId: fields.data.requestId,
    now,
  });
  throw redirect(`/attempts/${attemptId}`);
}

function MarkDone({ requestId, openedAt, slug }: { requestId: string; openedAt: string; slug: string }) {
  const tracked = useReadingTime(slug);
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="done" />
      <input type="hidden" name="requestId" value={requestId} />
      <input type="hidden" name="openedAt" value={openedAt} />
      <input type="hidden" name="tracked" value="0" ref={tracked} />
      <button type="submit" className="button primary">
        Mark as done
      </button>
    </Form>
  );
}

function LessonSources({ sources, reviewed }: { sources: CatalogLesson["sources"]; reviewed: string }) {
  return (
    <footer className="lesson-sources" aria-labelledby="sources-heading">
      {sources.length > 0 ? (
        <>
          <h2 id="sources-heading">Sources</h2>
          <ul>
            {sources.map((s) => (
              <li key={`${s.title}|${s.citation ?? ""}|${s.url ?? ""}`}>
                {s.title}
                {s.citation ? <>, {s.citation}</> : null}
                {s.url ? (
                  <>
                    {" "}
                    (<a href={s.url} rel="noopener noreferrer">
                      {s.url.replace(/^https:\/\//, "")}
                    </a>)
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <h2 id="sources-heading" className="visually-hidden">
          About this lesson
        </h2>
      )}
      <p className="muted">Checked for accuracy on {reviewed}. This lesson is training, not legal advice.</p>
    </footer>
  );
}

export default function LessonPage() {
  const { lesson, questions, status, attempts, bestScore, next, keepOffline, requestId, openedAt } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <article className="lesson" data-offline={keepOffline ? "keep" : undefined}>
      {/* Shown while offline (app/client/offline.ts, and public/sw.js for a kept copy). */}
      <p className="offline-note" data-offline-note="" hidden>
        You are offline: your answers will be checked when you are back online.
      </p>
      <p className="eyebrow">
        <Link to="/learn">Learn</Link> <span aria-hidden="true">›</span> {lesson.moduleTitle}
      </p>
      <h1>{lesson.title}</h1>
      <p className="muted">
        About {lesson.minutes} minutes
        {status === "done" ? (
          <>
            {" · "}
            <strong>
              <span aria-hidden="true">✓ </span>Completed
            </strong>
          </>
        ) : null}
        {attempts > 0 ? ` · ${attempts} attempt${attempts === 1 ? "" : "s"}, best ${bestScore}%` : null}
      </p>
      <section className="objectives card" aria-labelledby="objectives-heading">
        <h2 id="objectives-heading">After this lesson you can</h2>
        <ul>
          {lesson.objectives.map((o) => (
            <li key={o}>{o}</li>
          ))}
        </ul>
      </section>
      {/* Our own content, compiled and rendered to HTML on the server at start-up. */}
      <StaticHtml className="lesson-body" data={lesson.body} />
      <LessonSources sources={lesson.sources} reviewed={lesson.reviewed} />
      {result?.formError ? (
        <div className="form-error" role="alert">
          {result.formError}
        </div>
      ) : null}
      {questions ? (
        <section id="quiz">
          <QuizForm
            key={requestId}
            lessonSlug={lesson.slug}
            questions={questions}
            requestId={requestId}
            openedAt={openedAt}
            errors={result?.errors}
            selected={result?.selected}
          />
        </section>
      ) : status === "done" ? null : (
        <MarkDone requestId={requestId} openedAt={openedAt} slug={lesson.slug} />
      )}
      {next ? (
        <p className="next-lesson">
          Next in this module: <Link to={`/lessons/${next.slug}`}>{next.title}</Link>
        </p>
      ) : null}
    </article>
  );
}
