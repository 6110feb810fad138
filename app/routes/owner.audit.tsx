import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { listAuditEvents } from "#app/models/audit.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Audit log · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "owner");
  const requested = Number(new URL(request.url).searchParams.get("page") ?? "1");
  const page = Number.isSafeInteger(requested) && requested > 0 && requested < 100_000 ? requested : 1;
  const { entries, hasMore } = await listAuditEvents(services.db, page);
  return { entries, page, hasMore };
}

export default function AuditLog() {
  const { entries, page, hasMore } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Audit log</h1>
      <p className="muted">Every change to people, assignments and settings, newest first. The log cannot be edited or deleted.</p>
      {entries.length === 0 ? (
        <p>Nothing recorded yet.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Audit events" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">When (UTC)</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">To whom</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td className="date">{e.at.slice(0, 19).replace("T", " ")}</td>
                  <td>{e.actorName ?? "System"}</td>
                  <td>{e.action}</td>
                  <td>{e.subjectLabel ? <bdi>{e.subjectLabel}</bdi> : "—"}</td>
                  <td>
                    <code className="details">
                      <bdi>{e.details === "{}" ? "" : e.details}</bdi>
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages" className="actions">
        {page > 1 ? <Link to={`?page=${page - 1}`}>Newer</Link> : null}
        {hasMore ? <Link to={`?page=${page + 1}`}>Older</Link> : null}
      </nav>
    </>
  );
}
