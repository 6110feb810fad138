import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireUser } from "#app/auth.server.ts";
import { LearnerStats } from "#app/components/learner-stats.tsx";
import { getPractice } from "#app/models/practice.server.ts";
import { learnerRecord } from "#app/models/progress.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "My progress · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const practice = await getPractice(services.db);
  const timeZone = practice?.time_zone ?? "UTC";
  return learnerRecord(services.db, user.id, services.catalog, timeZone, services.clock.now());
}

export default function Progress() {
  const r = useLoaderData<typeof loader>();
  return (
    <>
      <h1>My progress</h1>
      <LearnerStats r={r} />
      <h2>Completed lessons</h2>
      {r.completions.length === 0 ? (
        <p>
          No lessons completed yet. <Link to="/learn">Start with any lesson</Link>: each takes about five minutes.
        </p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Lessons you have completed</caption>
            <thead>
              <tr>
                <th scope="col">Lesson</th>
                <th scope="col">Module</th>
                <th scope="col">Completed</th>
                <th scope="col">Best score</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {r.completions.map((c) => (
                <tr key={c.lessonSlug}>
                  <td>
                    <Link to={`/lessons/${c.lessonSlug}`}>{c.lessonTitle}</Link>
                  </td>
                  <td>{c.moduleTitle}</td>
                  <td>{c.completedOn}</td>
                  <td>{c.bestScore === null ? "—" : `${c.bestScore}%`}</td>
                  <td>{c.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
