import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { SelectField } from "#app/components/field.tsx";
import { localDate } from "#app/models/clock.server.ts";
import { ProgressTable } from "#app/components/progress-table.tsx";
import { StaticHtml } from "#app/components/static-html.tsx";
import { STATE_LABELS } from "#app/rules/item-states.ts";
import { retentionByPerson } from "#app/models/review.server.ts";
import { createReadCache } from "#app/models/read-cache.server.ts";
import { progressMatrix } from "#app/models/team-progress.server.ts";
import { jobTitles, listLocations } from "#app/models/team.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { readMatrixFilters } from "#app/route-helpers/progress-filters.server.ts";
import { services } from "#app/services.server.ts";
import { staticHtml, staticHtmlData } from "#app/route-helpers/static-html.server.tsx";

export const meta: MetaFunction = () => [{ title: "Progress · DeskCoach" }];

// The table is rendered once per database version, day and filter, and kept (see
// docs/decisions/0009-static-fragments-for-big-tables.md).
const tables = createReadCache(32);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const url = new URL(request.url);
  const filters = readMatrixFilters(url);
  const ctx = await practiceContext();
  const key = ["progress-table", localDate(ctx.now, ctx.timeZone), actor.scopeLocationId ?? "all", JSON.stringify(filters)].join("|");
  const [tableHtml, locations, titles] = await Promise.all([
    tables.read(services.db, key, async () => {
      const matrix = await progressMatrix(services.db, actor, ctx.catalog, filters, ctx);
      const retention = await retentionByPerson(services.db, matrix.rows.map((r) => r.person.id), ctx.now);
      const rows = matrix.rows.map((r) => ({ ...r, retention: retention.get(r.person.id) ?? null }));
      return staticHtml(<ProgressTable columns={matrix.columns} rows={rows} />);
    }),
    listLocations(services.db, actor),
    jobTitles(services.db, actor),
  ]);
  return {
    table: staticHtmlData(context, "progress-table", tableHtml),
    filters,
    locations,
    jobTitles: titles,
    scoped: actor.scopeLocationId !== null,
    query: url.search,
  };
}

export default function ProgressMatrix() {
  const { table, filters, locations, jobTitles, scoped, query } = useLoaderData<typeof loader>();
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
      <StaticHtml data={table} />
    </>
  );
}
