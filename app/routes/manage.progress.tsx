import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/auth.server.ts";
import { SelectField } from "#app/components/field.tsx";
import { ItemStateBadge } from "#app/components/state-badge.tsx";
import { localDate } from "#app/models/clock.server.ts";
import { STATE_LABELS } from "#app/item-states.ts";
import { retentionByPerson } from "#app/models/review.server.ts";
import { progressMatrix } from "#app/models/team-progress.server.ts";
import { formatRetention, RETENTION_DAYS } from "#app/review-rules.ts";
import { jobTitles, listLocations } from "#app/models/team.server.ts";
import { practiceContext } from "#app/practice-context.server.ts";
import { readMatrixFilters } from "#app/progress-filters.server.ts";
import { services } from "#app/services.server.ts";
import { TypedList } from "#app/components/typed-list.tsx";

export const meta: MetaFunction = () => [{ title: "Progress · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const url = new URL(request.url);
  const filters = readMatrixFilters(url);
  const ctx = await practiceContext();
  const [matrix, locations, titles] = await Promise.all([
    progressMatrix(services.db, actor, ctx.catalog, filters, ctx),
    listLocations(services.db, actor),
    jobTitles(services.db, actor),
  ]);
  const retention = await retentionByPerson(services.db, matrix.rows.map((r) => r.person.id), ctx.now);
  return {
    matrix: {
      columns: matrix.columns.map((c) => ({ key: c.key, title: c.title })),
      rows: matrix.rows.map((r) => ({
        ...r,
        person: { ...r.person, lastActive: r.person.lastActive ? localDate(r.person.lastActive, ctx.timeZone) : null },
        retention: retention.get(r.person.id) ?? null,
      })),
    },
    filters,
    locations,
    jobTitles: titles,
    scoped: actor.scopeLocationId !== null,
    query: url.search,
  };
}

export default function ProgressMatrix() {
  const { matrix, filters, locations, jobTitles, scoped, query } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Progress</h1>
      <Form method="get" className="filters" aria-label="Filter the table">
        {scoped ? null : (
          <SelectField label="Location" name="locationId" defaultValue={filters.locationId ? String(filters.locationId) : ""} options={[{ value: "", label: "All locations" }, ...locations.map((l) => ({ value: String(l.id), label: l.name }))]} />
        )}
        <SelectField label="Job title" name="jobTitle" defaultValue={filters.jobTitle ?? ""} options={[{ value: "", label: "All job titles" }, ...jobTitles.map((t) => ({ value: t, label: t }))]} />
        <SelectField label="Showing people with" name="state" defaultValue={filters.state ?? ""} options={[{ value: "", label: "Any state" }, ...Object.entries(STATE_LABELS).map(([value, label]) => ({ value, label: `Something ${label.toLowerCase()}` }))]} />
        <SelectField label="Sort" name="sort" defaultValue={filters.sort ?? "behind"} options={[{ value: "behind", label: "Furthest behind first" }, { value: "name", label: "By name" }]} />
        <button type="submit" className="button">
          Apply
        </button>
      </Form>
      <p>
        <Link to={`/manage/progress.csv${query}`} reloadDocument>
          Download this table (CSV)
        </Link>
      </p>
      {matrix.columns.length === 0 ? (
        <p>
          Nothing is assigned yet. <Link to="/manage/assignments">Assign a module</Link> to see who is on track.
        </p>
      ) : matrix.rows.length === 0 ? (
        <p>No one matches these filters.</p>
      ) : (
        <div className="table-wrap" role="region" aria-label="Progress by person and module" tabIndex={0}>
          <table className="matrix">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Overall</th>
                <th scope="col">Review right, last {RETENTION_DAYS} days</th>
                {matrix.columns.map((c) => (
                  <th scope="col" key={c.key}>
                    {c.title}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.rows.map((r) => (
                <tr key={r.person.id}>
                  <th scope="row">
                    <Link to={`/manage/people/${r.person.id}`}>
                      <bdi>{r.person.name}</bdi>
                    </Link>
                    <span className="muted cell-note">
                      <TypedList items={[r.person.jobTitle, r.person.locationName]} separator=" · " />
                    </span>
                  </th>
                  <td>
                    {r.percent}%{r.overdue > 0 ? <span className="cell-note">{r.overdue} overdue</span> : null}
                  </td>
                  <td>{formatRetention(r.retention)}</td>
                  {matrix.columns.map((c) => {
                    const cell = r.cells[c.key];
                    return (
                      <td key={c.key}>
                        {cell ? (
                          <>
                            <ItemStateBadge state={cell.state} percent={cell.percent} />
                            <span className="cell-note">due {cell.dueOn}</span>
                          </>
                        ) : (
                          <span className="muted">Not assigned</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
