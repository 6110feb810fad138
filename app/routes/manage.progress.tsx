import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { SelectField, TextField } from "#app/components/field.tsx";
import { localDate } from "#app/models/clock.server.ts";
import { ProgressTable } from "#app/components/progress-table.tsx";
import { StaticHtml } from "#app/components/static-html.tsx";
import { STATE_LABELS } from "#app/rules/item-states.ts";
import { MAX_SEARCH_LENGTH } from "#app/rules/paging.ts";
import { retentionByPerson } from "#app/models/review.server.ts";
import { createReadCache } from "#app/models/read-cache.server.ts";
import { progressPage } from "#app/models/team-progress.server.ts";
import { jobTitles, listLocations } from "#app/models/team.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { readMatrixFilters, readPage } from "#app/route-helpers/progress-filters.server.ts";
import { services } from "#app/services.server.ts";
import { staticHtml, staticHtmlData } from "#app/route-helpers/static-html.server.tsx";

export const meta: MetaFunction = () => [{ title: "Progress · DeskCoach" }];

// A page of the table is rendered once per database version, day, filter and page, and kept (see
// docs/decisions/0009-static-fragments-for-big-tables.md).
const tables = createReadCache(64);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const url = new URL(request.url);
  const filters = readMatrixFilters(url);
  const page = readPage(url);
  const ctx = await practiceContext();
  const key = ["progress-table", localDate(ctx.now, ctx.timeZone), actor.scopeLocationId ?? "all", JSON.stringify(filters), page].join("|");
  const [tableHtml, locations, titles] = await Promise.all([
    tables.read(services.db, key, async () => {
      const matrix = await progressPage(services.db, actor, ctx.catalog, filters, page, ctx);
      const retention = await retentionByPerson(services.db, matrix.rows.map((r) => r.person.id), ctx.now);
      const rows = matrix.rows.map((r) => ({ ...r, retention: retention.get(r.person.id) ?? null }));
      return staticHtml(<ProgressTable columns={matrix.columns} rows={rows} window={matrix.window} filters={filters} />);
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
  };
}

export default function ProgressMatrix() {
  const { table, filters, locations, jobTitles, scoped } = useLoaderData<typeof loader>();
  // The export keeps the filters and the search, and has every page.
  const exportQuery = new URLSearchParams(
    Object.entries(filters).flatMap(([k, v]) => (v === null || v === undefined || v === "" ? [] : [[k, String(v)]])),
  ).toString();
  return (
    <>
      <h1>Progress</h1>
      <Form method="get" className="filters" aria-label="Filter the table">
        <TextField label="Find a person" hint="Any part of a name or email" name="q" type="search" defaultValue={filters.q ?? ""} maxLength={MAX_SEARCH_LENGTH} autoComplete="off" />
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
        <Link to={`/manage/progress.csv${exportQuery ? `?${exportQuery}` : ""}`} reloadDocument>
          Download this table, every page (CSV)
        </Link>
      </p>
      <StaticHtml data={table} />
    </>
  );
}
