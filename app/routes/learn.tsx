import { randomUUID } from "node:crypto";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/route-helpers/auth.server.ts";
import { ProgressBar, StatusBadge } from "#app/components/progress-bar.tsx";
import { ReviewForm } from "#app/components/review-form.tsx";
import { ItemStateBadge } from "#app/components/state-badge.tsx";
import { localDate } from "#app/models/clock.server.ts";
import { daysBetween } from "#app/rules/dates.ts";
import { lessonOrder } from "#app/models/catalog.server.ts";
import { lessonProgress, libraryWithProgress } from "#app/models/progress.server.ts";
import { dailyReview, reviewResults, submitReview } from "#app/models/review.server.ts";
import { monthProgress } from "#app/models/team-goal.server.ts";
import { isDone } from "#app/rules/item-states.ts";
import { DAILY_REVIEW_LIMIT, REVIEW_INTERVALS } from "#app/rules/review.ts";
import { libraryPageNumber, libraryPages } from "#app/rules/library-pages.ts";
import { assignedItems } from "#app/models/team-progress.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { readForm, readRequestId } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Learn · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const ctx = await practiceContext();
  const params = new URL(request.url).searchParams;
  const reviewed = readRequestId(params.get("reviewed"));
  const [progress, assigned, review, results, team] = await Promise.all([
    lessonProgress(services.db, user.id),
    assignedItems(services.db, user.id, ctx.catalog, ctx),
    dailyReview(services.db, user.id, ctx.catalog, ctx),
    reviewed ? reviewResults(services.db, user.id, ctx.catalog, reviewed, ctx.timeZone) : Promise.resolve([]),
    monthProgress(services.db, user.id, ctx),
  ]);
  // One page of the library, so that the page costs the same however many lessons a practice writes.
  const pages = libraryPages(ctx.catalog.modules);
  const page = libraryPageNumber(params.get("library"), pages.length);
  const before = pages.slice(0, page - 1).reduce((n, p) => n + p.length, 0);
  const order = lessonOrder(ctx.catalog);
  const continueWith = [...progress]
    .filter(([slug, p]) => p.status === "in-progress" && order.has(slug))
    .sort(([a], [b]) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
    .flatMap(([slug]) => {
      const l = ctx.catalog.lesson(slug);
      return l ? [{ slug: l.slug, title: l.title, minutes: l.minutes }] : [];
    });
  const today = localDate(ctx.now, ctx.timeZone);
  return {
    name: user.name,
    library: {
      modules: libraryWithProgress({ modules: pages[page - 1] ?? [] }, progress).map(({ lessons, ...m }) => ({
        ...m,
        lessons: lessons.map(({ slug, title, minutes, status }) => ({ slug, title, minutes, status })),
      })),
      page,
      pageCount: pages.length,
      firstModule: before + 1,
      moduleCount: ctx.catalog.modules.length,
    },
    continueWith,
    assigned: assigned.map((a) => ({ ...a, daysLeft: daysBetween(today, a.dueOn) })),
    review: { ...review, requestId: randomUUID(), results },
    team,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const ctx = await practiceContext();
  const form = await readForm(request);
  const requestId = readRequestId(form.get("requestId"));
  if (form.get("intent") !== "review" || !requestId) {
    return data({ message: "This form is out of date. Here is today's review again.", errors: {}, selected: {} }, { status: 400 });
  }
  const result = await submitReview(services.db, user.id, ctx.catalog, { form, requestId, now: ctx.now, timeZone: ctx.timeZone });
  if (result.ok) throw redirect(`/learn?reviewed=${requestId}#review`);
  if (result.stale) {
    return data({ message: "Your review changed since this page was opened (perhaps it was answered in another window). Here is what is left for today.", errors: {}, selected: {} }, { status: 400 });
  }
  return data({ message: null, errors: result.errors, selected: result.selected }, { status: 400 });
}

export default function Learn() {
  const { name, library, continueWith, assigned, review, team } = useLoaderData<typeof loader>();
  const reviewAction = useActionData<typeof action>();
  const firstName = name.split(" ")[0];
  const todo = assigned.filter((a) => !isDone(a.state));
  const finished = assigned.filter((a) => isDone(a.state));
  return (
    <>
      <h1>Hello, {firstName}</h1>
      <section aria-labelledby="assigned-heading" className="card">
        <h2 id="assigned-heading">Assigned to you</h2>
        {assigned.length === 0 ? (
          <p>Nothing is assigned to you right now. Any lesson in the library counts toward your progress.</p>
        ) : todo.length === 0 ? (
          <p>
            <span aria-hidden="true">✓ </span>All caught up: everything assigned to you is done.
          </p>
        ) : (
          <ul className="assigned-list">
            {todo.map((a) => {
              const days = a.daysLeft;
              return (
                <li key={a.itemKey} className={a.state === "overdue" ? "assigned overdue" : "assigned"}>
                  <Link to={`/lessons/${a.nextLessonSlug}`}>{a.title}</Link> <ItemStateBadge state={a.state} percent={a.percent} />
                  <span className="due">
                    {a.state === "overdue"
                      ? `Was due ${a.dueOn} (${-days} day${days === -1 ? "" : "s"} ago)`
                      : days === 0
                        ? `Due today`
                        : `Due ${a.dueOn} (in ${days} day${days === 1 ? "" : "s"})`}
                    {a.kind === "module" ? ` · ${a.done} of ${a.total} lessons done` : ""}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
        {finished.length > 0 ? (
          <p className="muted">
            Done: {finished.map((a) => (a.nextDueOn ? `${a.title} (refresher due ${a.nextDueOn})` : a.title)).join("; ")}
          </p>
        ) : null}
      </section>
      <section aria-labelledby="review-heading" className="card" id="review">
        <h2 id="review-heading">Daily review</h2>
        {review.results.length > 0 ? <ReviewResults results={review.results} /> : null}
        {reviewAction?.message ? (
          <div className="form-error" role="alert">
            {reviewAction.message}
          </div>
        ) : null}
        {review.questions.length > 0 ? (
          <>
            <p>
              {review.questions.length} {review.questions.length === 1 ? "question" : "questions"} you missed before, about a minute each.
            </p>
            <ReviewForm
              key={review.requestId}
              questions={review.questions}
              requestId={review.requestId}
              errors={reviewAction?.errors}
              selected={reviewAction?.selected}
            />
          </>
        ) : review.inQueue === 0 ? (
          <p>
            Nothing to review. A question you miss in a quiz comes back here after {REVIEW_INTERVALS.slice(0, -1).join(", ")} and{" "}
            {REVIEW_INTERVALS.at(-1)} days, until you have it. At most {DAILY_REVIEW_LIMIT} a day.
          </p>
        ) : (
          <p>
            <span aria-hidden="true">✓ </span>Done for today. {review.inQueue} {review.inQueue === 1 ? "question is" : "questions are"} waiting
            {review.nextDueOn ? `; the next comes back on ${review.nextDueOn}` : ""}.
          </p>
        )}
      </section>
      {team.goal || team.ranking ? <TeamGoal team={team} /> : null}
      <section aria-labelledby="continue-heading" className="card">
        <h2 id="continue-heading">Pick up where you left off</h2>
        {continueWith.length === 0 ? (
          <p>Nothing half-finished. Choose any lesson below: each takes about five minutes.</p>
        ) : (
          <ul className="lesson-list">
            {continueWith.map((l) => (
              <li key={l.slug}>
                <Link to={`/lessons/${l.slug}`}>{l.title}</Link> <span className="muted">· {l.minutes} min</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <h2 id="library">The library</h2>
      {library.moduleCount === 0 ? <p>No lessons have been published yet.</p> : null}
      {library.pageCount > 1 ? <LibraryPages library={library} /> : null}
      {library.modules.map((m) => (
        <section key={m.slug} aria-labelledby={`module-${m.slug}`} className="card module-card">
          <h3 id={`module-${m.slug}`}>{m.title}</h3>
          <p className="muted">{m.summary}</p>
          <ProgressBar value={m.done} max={m.total} label={`${m.title}: ${m.done} of ${m.total} lessons done`} />
          <ol className="lesson-list">
            {m.lessons.map((l) => (
              <li key={l.slug}>
                <Link to={`/lessons/${l.slug}`}>{l.title}</Link> <span className="muted">· {l.minutes} min</span>{" "}
                <StatusBadge status={l.status} />
              </li>
            ))}
          </ol>
        </section>
      ))}
      {library.pageCount > 1 ? (
        <p className="actions">
          {library.page > 1 ? <Link to={libraryHref(library.page - 1)}>Previous page of the library</Link> : null}
          {library.page < library.pageCount ? <Link to={libraryHref(library.page + 1)}>Next page of the library</Link> : null}
        </p>
      ) : null}
    </>
  );
}

const libraryHref = (n: number) => `/learn?library=${n}#library`;

function LibraryPages({ library }: { library: Awaited<ReturnType<typeof loader>>["library"] }) {
  const last = library.firstModule + library.modules.length - 1;
  const href = libraryHref;
  return (
    <nav aria-label="Library pages" className="library-pages">
      <p>
        Page {library.page} of {library.pageCount}: modules {library.firstModule}–{last} of {library.moduleCount}.
      </p>
      <ul>
        {library.page > 1 ? (
          <li>
            <Link to={href(library.page - 1)}>Previous page</Link>
          </li>
        ) : null}
        {Array.from({ length: library.pageCount }, (_, i) => i + 1).map((n) => (
          <li key={n}>
            {n === library.page ? (
              <span aria-current="page">{n}</span>
            ) : (
              <Link to={href(n)} aria-label={`Page ${n}`}>
                {n}
              </Link>
            )}
          </li>
        ))}
        {library.page < library.pageCount ? (
          <li>
            <Link to={href(library.page + 1)}>Next page</Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}

function ReviewResults({ results }: { results: Awaited<ReturnType<typeof loader>>["review"]["results"] }) {
  const right = results.filter((r) => r.correct).length;
  return (
    <div className="review-results" role="status">
      <p className="result-score">
        {right} of {results.length} right
      </p>
      <ol className="review">
        {results.map((r) => (
          <li key={`${r.lessonSlug}:${r.prompt}`} className={`review-item ${r.correct ? "right" : "wrong"}`}>
            <p className="review-prompt">
              <strong>{r.correct ? "✓ Right" : "✗ Not quite"}:</strong> {r.prompt}
            </p>
            {r.chosen.map((c) => (
              <p key={c.text} className="feedback">
                You chose “{c.text}”. {c.feedback}
              </p>
            ))}
            {r.explanation ? <p className="explanation">{r.explanation}</p> : null}
            <p className="muted">
              {r.nextInDays === null
                ? "You have it: this question leaves your review."
                : r.nextInDays === 1
                  ? "It comes back tomorrow."
                  : `It comes back in ${r.nextInDays} days.`}{" "}
              <Link to={`/lessons/${r.lessonSlug}`}>Read “{r.lessonTitle}” again</Link>
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}

function TeamGoal({ team }: { team: Awaited<ReturnType<typeof loader>>["team"] }) {
  const goal = team.goal;
  return (
    <section aria-labelledby="team-heading" className="card">
      <h2 id="team-heading">Team goal</h2>
      {goal ? (
        <>
          <p>
            {team.lessons >= goal ? (
              <>
                <span aria-hidden="true">✓ </span>Goal reached: the team has completed {team.lessons} lessons this month, {goal} was the goal.
              </>
            ) : (
              <>
                The team has completed {team.lessons} of {goal} lessons this month: {goal - team.lessons} to go, {team.daysLeft}{" "}
                {team.daysLeft === 1 ? "day" : "days"} left.
              </>
            )}{" "}
            You did {team.mine}.
          </p>
          <ProgressBar value={Math.min(team.lessons, goal)} max={goal} label={`Team goal: ${team.lessons} of ${goal} lessons this month`} />
        </>
      ) : null}
      {team.ranking ? (
        <>
          <h3>Most lessons this month</h3>
          {team.ranking.length === 0 ? (
            <p>No lessons completed yet this month.</p>
          ) : (
            <ol>
              {team.ranking.map((r, i) => (
                <li key={i}>
                  <bdi>{r.name}</bdi>: {r.lessons} {r.lessons === 1 ? "lesson" : "lessons"}
                </li>
              ))}
            </ol>
          )}
        </>
      ) : null}
    </section>
  );
}
