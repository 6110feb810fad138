// The progress matrix as plain markup: no hooks and no router, so the server can render it once
// per database version and send the same bytes to every manager who asks (see
// docs/decisions/0009-static-fragments-for-big-tables.md).
import { Pager } from "#app/components/pager.tsx";
import { ItemStateBadge } from "#app/components/state-badge.tsx";
import { TypedList } from "#app/components/typed-list.tsx";
import type { KeptCell, MatrixFilters } from "#app/models/team-progress.server.ts";
import { pageHref, type PageWindow } from "#app/rules/paging.ts";
import { formatRetention, RETENTION_DAYS } from "#app/rules/review.ts";

export interface ProgressTableProps {
  columns: { key: string; title: string }[];
  rows: {
    person: { id: number; name: string; jobTitle: string | null; locationName: string | null };
    percent: number;
    overdue: number;
    retention: { right: number; total: number } | null;
    cells: Record<string, KeptCell | null>;
  }[];
  window: PageWindow;
  /** The filters the page was asked for, kept by the page links. */
  filters: MatrixFilters;
}

export function ProgressTable({ columns, rows, window, filters }: ProgressTableProps) {
  if (columns.length === 0) {
    return (
      <p>
        Nothing is assigned yet. <a href="/manage/assignments">Assign a module</a> to see who is on track.
      </p>
    );
  }
  if (rows.length === 0) {
    return (
      <p className="notice" role="status">
        Nobody matches{" "}
        {filters.q ? (
          <>
            the search “<bdi>{filters.q}</bdi>”{filters.locationId || filters.jobTitle || filters.state ? " with these filters" : ""}
          </>
        ) : (
          "these filters"
        )}
        . <a href="/manage/progress">Show everyone</a>.
      </p>
    );
  }
  const href = (page: number) => pageHref("/manage/progress", { ...filters }, page);
  return (
    <>
      <Pager window={window} href={href} label="Pages of the table" />
      <div className="table-wrap" role="region" aria-label="Progress by person and module" tabIndex={0}>
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Overall</th>
              <th scope="col">Review right, last {RETENTION_DAYS} days</th>
              {columns.map((c) => (
                <th scope="col" key={c.key}>
                  {c.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.person.id}>
                <th scope="row">
                  <a href={`/manage/people/${r.person.id}`}>
                    <bdi>{r.person.name}</bdi>
                  </a>
                  <span className="muted cell-note">
                    <TypedList items={[r.person.jobTitle, r.person.locationName]} separator=" · " />
                  </span>
                </th>
                <td>
                  {r.percent}%{r.overdue > 0 ? <span className="cell-note">{r.overdue} overdue</span> : null}
                </td>
                <td>{formatRetention(r.retention)}</td>
                {columns.map((c) => {
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
      {window.pageCount > 1 ? <Pager window={window} href={href} label="Pages of the table, again" /> : null}
    </>
  );
}
