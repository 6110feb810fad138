import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/auth.server.ts";
import { localDate } from "#app/models/clock.server.ts";
import { getPractice } from "#app/models/practice.server.ts";
import { teamSnapshot } from "#app/models/progress.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Manage · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "manager");
  const [team, practice] = await Promise.all([teamSnapshot(services.db), getPractice(services.db)]);
  const timeZone = practice?.time_zone ?? "UTC";
  return {
    lessonCount: services.catalog.modules.reduce((n, m) => n + m.lessons.length, 0),
    team: team.map((t) => ({ ...t, lastActive: t.lastActive ? localDate(t.lastActive, timeZone) : null })),
  };
}

export default function ManageHome() {
  const { team, lessonCount } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Your team</h1>
      <p className="muted">
        Lessons completed out of the {lessonCount} in the library, and when each person last learned.
      </p>
      {team.length === 0 ? (
        <p>No one has been added yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Team learning at a glance</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Job title</th>
                <th scope="col">Lessons done</th>
                <th scope="col">Last active</th>
              </tr>
            </thead>
            <tbody>
              {team.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{t.role}</td>
                  <td>{t.jobTitle ?? "—"}</td>
                  <td>
                    {t.lessonsDone} of {lessonCount}
                  </td>
                  <td>{t.lastActive ?? "Not yet"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
