import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth.server.ts";
import { ProgressBar, StatusBadge } from "#app/components/progress-bar.tsx";
import { lessonProgress, libraryWithProgress } from "#app/models/progress.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Learn · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const library = libraryWithProgress(services.catalog, await lessonProgress(services.db, user.id));
  const continueWith = library.flatMap((m) => m.lessons.filter((l) => l.status === "in-progress"));
  return { name: user.name, library, continueWith };
}

export default function Learn() {
  const { name, library, continueWith } = useLoaderData<typeof loader>();
  const firstName = name.split(" ")[0];
  return (
    <>
      <h1>Hello, {firstName}</h1>
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
