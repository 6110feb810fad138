import { Fragment } from "react";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { FormError } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { COMPLAINT_RATING, describeShareChange, FEW_ITEMS, formatRating, formatShare, IMPACT_WINDOW_DAYS } from "#app/rules/feedback.ts";
import { createAssignment, listAssignments } from "#app/models/assignments.server.ts";
import { localDate } from "#app/models/clock.server.ts";
import { FieldError } from "#app/models/field-error.ts";
import {
  describeGroup,
  modulesForSkill,
  rollouts,
  suggestedTarget,
  themeTable,
  toAnalysisItems,
  topThemes,
  type ThemeFigure,
} from "#app/models/feedback-insights.server.ts";
import { analysisStart, listFeedback } from "#app/models/feedback.server.ts";
import { jobTitles, listLocations } from "#app/models/team.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { notFound, readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Patient feedback · DeskCoach" }];

/** A one-click assignment from a recommendation is due this many days after it reaches each person. */
const RECOMMENDED_DUE_DAYS = 14;

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const today = localDate(ctx.now, ctx.timeZone);
  const [stored, locations, titles, assignments] = await Promise.all([
    listFeedback(services.db, actor, { since: analysisStart(today) }),
    listLocations(services.db, actor),
    jobTitles(services.db, actor),
    listAssignments(services.db, actor),
  ]);
  const items = toAnalysisItems(stored, ctx.catalog);
  const labels = new Map(ctx.catalog.skills.map((s) => [s.id, s.label]));
  const themes = ctx.catalog.themes.map((t) => ({ skill: t.skill, label: labels.get(t.skill) ?? t.skill }));
  const scoped = actor.scopeLocationId !== null;

  const targets = [
    { value: "everyone", label: scoped ? "Everyone at my location" : "Everyone" },
    ...(scoped ? [] : locations.map((l) => ({ value: `location:${l.id}`, label: `Everyone at ${l.name}` }))),
    ...titles.map((t) => ({ value: `jobTitle:${t}`, label: `Every ${t}` })),
  ];
  const recommendations = topThemes(items, themes, today).map((theme) => {
    const suggestion = suggestedTarget(theme, locations.map((l) => l.id));
    return {
      ...theme,
      target: suggestion.kind === "location" ? `location:${suggestion.locationId}` : "everyone",
      modules: modulesForSkill(ctx.catalog, theme.skill)
        .slice(0, 2)
        .map((m) => ({
          ...m,
          assigned: assignments
            .filter((a) => a.moduleSlug === m.slug && a.targetUserId === null)
            .map((a) => ({ id: a.id, on: localDate(a.createdAt, ctx.timeZone), group: describeGroup(a), people: a.people })),
        })),
    };
  });
  const assignedId = Number(new URL(request.url).searchParams.get("assigned"));
  const assigned = assignments.find((a) => a.id === assignedId);
  return {
    today,
    itemCount: stored.length,
    table: (() => {
      const full = themeTable(items, themes, today);
      // Themes nobody mentioned in either quarter are left out.
      return { ...full, rows: full.rows.filter((r) => r.lastQuarter.items + r.thisQuarter.items > 0) };
    })(),
    recommendations,
    targets,
    rollouts: await rollouts(services.db, actor, ctx.catalog, items, { today, timeZone: ctx.timeZone }),
    assigned: assigned
      ? { title: ctx.catalog.module(assigned.moduleSlug ?? "")?.title ?? assigned.moduleSlug, group: describeGroup(assigned), people: assigned.people }
      : null,
  };
}

const assignSchema = z.object({
  item: z.string().regex(/^module:[a-z0-9-]+$/, "Choose a module."),
  target: z.string().regex(/^(everyone|location:\d+|jobTitle:.+)$/, "Choose who it is for."),
});

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const form = await readForm(request);
  if (form.get("intent") !== "assign") return data({ error: "Unknown action.", item: null }, { status: 400 });
  const parsed = assignSchema.safeParse({ item: form.get("item"), target: form.get("target") });
  if (!parsed.success) return data({ error: parsed.error.issues[0]?.message ?? "Choose who it is for.", item: String(form.get("item") ?? "") }, { status: 400 });
  const { item, target } = parsed.data;
  const [kind, value] = target.split(/:(.*)/s) as [string, string | undefined];
  try {
    const id = await createAssignment(
      services.db,
      actor,
      {
        item: { kind: "module", slug: item.slice("module:".length) },
        target: {
          kind: "group",
          jobTitle: kind === "jobTitle" ? (value ?? null) : null,
          locationId: kind === "location" ? Number(value) : null,
        },
        due: { kind: "days", days: RECOMMENDED_DUE_DAYS },
        recurMonths: null,
      },
      ctx,
    );
    throw redirect(`/manage/feedback?assigned=${id}#recommendations`);
  } catch (error) {
    if (error instanceof FieldError) {
      if (error.status === 404) throw notFound();
      return data({ error: error.message, item }, { status: error.status });
    }
    throw error;
  }
}

function Figure({ figure, what }: { figure: ThemeFigure; what: "share" | "rating" }) {
  if (what === "share") {
    return (
      <>
        {formatShare(figure.share)}
        <span className="cell-note">
          {figure.items} of {figure.total} comments
        </span>
      </>
    );
  }
  return (
    <>
      {formatRating(figure.averageRating)}
      <span className="cell-note">
        {figure.items} {figure.items === 1 ? "item" : "items"}
        {figure.items > 0 && figure.items < FEW_ITEMS ? ": too few to tell" : ""}
      </span>
    </>
  );
}

export default function Feedback() {
  const { assigned, itemCount, recommendations, rollouts: rolloutRows, table, targets } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  return (
    <>
      <h1>Patient feedback</h1>
      <p>
        {itemCount === 0
          ? "No feedback yet. Import a survey or review export, or add items one at a time."
          : `${itemCount} ${itemCount === 1 ? "item" : "items"} from the last 15 months. Comments are matched to themes by the phrase rules in the lesson library.`}
      </p>
      <p className="actions">
        <Link to="/manage/feedback/import" className="button primary">
          Import a CSV file
        </Link>
        <Link to="/manage/feedback/items" className="button">
          Add or see items
        </Link>
      </p>

      <section aria-labelledby="themes-heading">
        <h2 id="themes-heading">What patients talk about</h2>
        <p>
          Each theme's share of the comments and the average rating (1 to 5) of the feedback that mentions it, last quarter
          ({table.lastQuarter.label}) against this quarter so far ({table.thisQuarter.label}, {table.thisQuarter.daysSoFar} days). {table.lastQuarter.label}:{" "}
          {table.lastQuarter.items} items, average {formatRating(table.lastQuarter.averageRating)}. {table.thisQuarter.label} so far:{" "}
          {table.thisQuarter.items} items, average {formatRating(table.thisQuarter.averageRating)}.
        </p>
        {table.rows.length === 0 ? (
          <p>No comment in these two quarters matches a theme.</p>
        ) : (
          <div className="table-wrap" role="region" aria-label="Themes by quarter" tabIndex={0}>
            <table className="figures">
              <thead>
                <tr>
                  <th scope="col" rowSpan={2}>
                    Theme
                  </th>
                  <th scope="colgroup" colSpan={2}>
                    {table.lastQuarter.label}
                  </th>
                  <th scope="colgroup" colSpan={2}>
                    {table.thisQuarter.label} so far
                  </th>
                  <th scope="col" rowSpan={2}>
                    Share change
                  </th>
                </tr>
                <tr>
                  <th scope="col">Share</th>
                  <th scope="col">Average rating</th>
                  <th scope="col">Share</th>
                  <th scope="col">Average rating</th>
                </tr>
              </thead>
              <tbody>
                {table.rows.map((r) => (
                  <tr key={r.skill}>
                    <th scope="row">
                      <Link to={`/manage/feedback/items?theme=${r.skill}`}>{r.label}</Link>
                    </th>
                    <td>
                      <Figure figure={r.lastQuarter} what="share" />
                    </td>
                    <td>
                      <Figure figure={r.lastQuarter} what="rating" />
                    </td>
                    <td>
                      <Figure figure={r.thisQuarter} what="share" />
                    </td>
                    <td>
                      <Figure figure={r.thisQuarter} what="rating" />
                    </td>
                    <td>{describeShareChange(r.lastQuarter, r.thisQuarter)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {table.rows.length > 0 ? (
          <>
            <h3>Month by month</h3>
            <div className="table-wrap" role="region" aria-label="Themes by month" tabIndex={0}>
              <table className="figures">
                <thead>
                  <tr>
                    <th scope="col">Theme</th>
                    {table.months.map((m) => (
                      <th scope="col" key={m.key}>
                        {m.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {table.rows.map((r) => (
                    <tr key={r.skill}>
                      <th scope="row">{r.label}</th>
                      {r.months.map((m, i) =>
                        table.months[i]?.future ? (
                          <td key={table.months[i]?.key} className="muted">
                            not yet
                          </td>
                        ) : (
                          <td key={table.months[i]?.key}>
                            {m.items} {m.items === 1 ? "item" : "items"}
                            <span className="cell-note">average {formatRating(m.averageRating)}</span>
                          </td>
                        ),
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ) : null}
      </section>

      <section aria-labelledby="recommendations-heading" id="recommendations">
        <h2 id="recommendations-heading">What to train next</h2>
        {assigned ? (
          <p className="notice" role="status">
            <span aria-hidden="true">✓ </span>Assigned {assigned.title} to <bdi>{assigned.group}</bdi> ({assigned.people}{" "}
            {assigned.people === 1 ? "person" : "people"}), due {RECOMMENDED_DUE_DAYS} days after it reaches each person. It now
            shows first on their Learn page.
          </p>
        ) : null}
        <FormError error={result?.error ?? undefined} />
        {recommendations.length === 0 ? (
          <p>No theme has feedback rated {COMPLAINT_RATING} or lower in the last {IMPACT_WINDOW_DAYS} days.</p>
        ) : (
          <>
            <p>
              The themes with the most feedback rated {COMPLAINT_RATING} or lower in the last {IMPACT_WINDOW_DAYS} days, and the
              modules whose lessons teach them.
            </p>
            {recommendations.map((r) => (
              <section key={r.skill} className="card" aria-labelledby={`rec-${r.skill}`}>
                <h3 id={`rec-${r.skill}`}>{r.label}</h3>
                <p>
                  {r.complaints} low-rated {r.complaints === 1 ? "item" : "items"} of {r.mentions} that mention it; average rating{" "}
                  {formatRating(r.averageRating)}. <Link to={`/manage/feedback/items?theme=${r.skill}`}>Read them</Link>.
                </p>
                {r.modules.length === 0 ? (
                  <p className="muted">No module in the library teaches this skill yet.</p>
                ) : (
                  <ul className="recommended-modules">
                    {r.modules.map((m) => (
                      <li key={m.slug}>
                        <p>
                          <strong>{m.title}</strong>{" "}
                          <span className="muted">
                            ({m.lessons} of {m.totalLessons} lessons teach this)
                          </span>
                        </p>
                        {m.assigned.length > 0 ? (
                          <p className="muted">
                            Already assigned:{" "}
                            {m.assigned.map((a, i) => (
                              <Fragment key={a.id}>
                                {i > 0 ? "; " : null}to <bdi>{a.group}</bdi> on {a.on} ({a.people} {a.people === 1 ? "person" : "people"})
                              </Fragment>
                            ))}
                            .
                          </p>
                        ) : null}
                        <Form method="post" className="inline-fields" preventScrollReset>
                          <input type="hidden" name="intent" value="assign" />
                          <input type="hidden" name="item" value={`module:${m.slug}`} />
                          <div className="field">
                            <label htmlFor={`target-${r.skill}-${m.slug}`}>Assign {m.title} to</label>
                            <select id={`target-${r.skill}-${m.slug}`} name="target" defaultValue={r.target}>
                              {targets.map((t) => (
                                <option key={t.value} value={t.value}>
                                  {t.label}
                                </option>
                              ))}
                            </select>
                          </div>
                          <button type="submit" className="button primary" disabled={busy}>
                            Assign, due in {RECOMMENDED_DUE_DAYS} days
                          </button>
                        </Form>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            ))}
          </>
        )}
      </section>

      <section aria-labelledby="impact-heading">
        <h2 id="impact-heading">Did it work?</h2>
        {rolloutRows.length === 0 ? (
          <p>No module has been given to a group in the last year. Once one is, its themes are compared here.</p>
        ) : (
          <>
            <p>
              For each module given to a group, each theme its lessons teach: the share of comments that mention it and their
              average rating, in the {IMPACT_WINDOW_DAYS} days before the assignment against the {IMPACT_WINDOW_DAYS} days from it.
              Below {FEW_ITEMS} items a figure is too few to tell.
            </p>
            {rolloutRows.map((r) => (
              <section key={r.assignmentId} aria-labelledby={`rollout-${r.assignmentId}`}>
                <h3 id={`rollout-${r.assignmentId}`}>
                  {r.moduleTitle}, given to <bdi>{r.target}</bdi> on {r.on}
                </h3>
                {r.themes.length === 0 ? (
                  <p className="muted">Its skills have no theme rules, so there is nothing to compare.</p>
                ) : (
                  <div className="table-wrap" role="region" aria-label={`${r.moduleTitle} on ${r.on}: before and after`} tabIndex={0}>
                    <table className="figures">
                      <thead>
                        <tr>
                          <th scope="col">Theme</th>
                          <th scope="col">Share before</th>
                          <th scope="col">Share after</th>
                          <th scope="col">Change</th>
                          <th scope="col">Rating before</th>
                          <th scope="col">Rating after</th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.themes.map((t) => (
                          <tr key={t.skill}>
                            <th scope="row">
                              {t.label}
                              <span className="cell-note">
                                {t.after.complete ? `${t.before.from} to ${t.after.to}` : `after: ${t.after.days} of ${IMPACT_WINDOW_DAYS} days so far`}
                              </span>
                            </th>
                            <td>
                              <Figure figure={t.before} what="share" />
                            </td>
                            <td>
                              <Figure figure={t.after} what="share" />
                            </td>
                            <td>{describeShareChange(t.before, t.after)}</td>
                            <td>
                              <Figure figure={t.before} what="rating" />
                            </td>
                            <td>
                              <Figure figure={t.after} what="rating" />
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </section>
            ))}
          </>
        )}
      </section>
    </>
  );
}
