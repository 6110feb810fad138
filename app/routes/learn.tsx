import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth.server.ts";
import { ProgressBar, StatusBadge } from "#app/components/progress-bar.tsx";
import { ItemStateBadge } from "#app/components/state-badge.tsx";
import { localDate } from "#app/models/clock.server.ts";
import { daysBetween } from "#app/models/dates.ts";
import { lessonProgress, libraryWithProgress } from "#app/models/progress.server.ts";
import { assignedItems } from "#app/models/team-progress.server.ts";
import { practiceContext } from "#app/practice-context.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Learn · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const ctx = await practiceContext();
  const [progress, assigned] = await Promise.all([
    lessonProgress(services.db, user.id),
    assignedItems(services.db, user.id, ctx.catalog, ctx),
  ]);
  const library = libraryWithProgress(ctx.catalog, progress);
  const continueWith = library.flatMap((m) => m.lessons.filter((l) => l.status === "in-progress"));
  const today = localDate(ctx.now, ctx.timeZone);
  return {
    name: user.name,
    library,
    continueWith,
    assigned: assigned.map((a) => ({ ...a, daysLeft: daysBetween(today, a.dueOn) })),
  };
}

export default function Learn() {
  const { name, library, continueWith, assigned } = useLoaderData<typeof loader>();
  const firstName = name.split(" ")[0];
  const todo = assigned.filter((a) => a.state !== "done" && a.state !== "done-late");
  const finished = assigned.filter((a) => a.state === "done" || a.state === "done-late");
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
      <h2>The library</h2>
      {library.length === 0 ? <p>No lessons have been published yet.</p> : null}
      {library.map((m) => (
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
    </>
  );
}
