// Outcomes: the figures a practice keeps about its patients month by month (visits, returning
// patients, no-shows, reviews, complaints…), checked, kept per location and audited; each measure
// over time beside the training; and, around each module's roll-out, what moved, with an interval,
// and what that could be worth. What moved alongside training, never a claim that training moved it.
import type { DB } from "#db/connection.ts";
import { serializeOn } from "#db/dialect.ts";
import type { OutcomeMonthTable } from "#db/schema.ts";
import {
  DEFAULT_WINDOW_MONTHS,
  MAX_OUTCOME_COUNT,
  MAX_OUTCOME_ROWS,
  OUTCOME_COLUMNS,
  OUTCOME_FIGURES,
  addMonthsToMonth,
  monthsBetween,
  type OutcomeFigure,
} from "#app/rules/outcomes.ts";
import { recordAudit } from "./audit.server.ts";
import { doneByMonthEnd } from "./team-progress.server.ts";
import { localDate } from "./clock.server.ts";
import { readCsvUpload } from "./csv.server.ts";
import { FieldError } from "./field-error.ts";
import type { Catalog } from "./catalog.server.ts";
import { feedbackFigures, toAnalysisItems, type AnalysisItem, type FeedbackFigures } from "./feedback-insights.server.ts";
import { listFeedback } from "./feedback.server.ts";
import { excludesZero, meanInterval, newcombeDifference, welchDifference, wilson, type Interval } from "./outcome-stats.ts";
import type { Actor } from "./sessions.server.ts";

export type Figures = Record<OutcomeFigure, number | null>;

export interface OutcomeInput {
  month: string;
  locationId: number;
  /** Counts as whole numbers; stars as a number with at most two decimals. */
  figures: Figures;
}

export type OutcomeCheck = { ok: true; input: OutcomeInput } | { ok: false; errors: Record<string, string> };

const COUNT = /^\d+$/;
const STARS = /^\d(?:\.\d{1,2})?$/;

/**
 * The figures as typed (a form's fields or an import's cells), checked on their own: every
 * problem beside its field. Whether the location may be used and the month is free is for
 * saveOutcomeMonth, which has the database.
 */
export function checkOutcomeFields(raw: Record<string, string | undefined>, today: string): OutcomeCheck {
  const errors: Record<string, string> = {};
  const month = (raw.month ?? "").trim();
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) errors.month = "Enter a month like 2026-03.";
  else if (month > today.slice(0, 7)) errors.month = "That month has not begun yet.";
  const locationText = (raw.locationId ?? "").trim();
  const locationId = /^[1-9]\d{0,9}$/.test(locationText) ? Number(locationText) : null;
  if (locationId === null) errors.locationId = "Choose a location.";
  const figures = {} as Figures;
  for (const { key } of OUTCOME_FIGURES) {
    const text = (raw[key] ?? "").trim().replace(/,(?=\d{3}\b)/g, "");
    figures[key] = null;
    if (text === "") continue;
    if (key === "stars") {
      if (text.startsWith("-")) errors.stars = "Stars go from 0 to 5.";
      else if (!STARS.test(text) && !/^\d+(\.\d+)?$/.test(text)) errors.stars = "Enter the average like 4.6.";
      else if (Number(text) > 5) errors.stars = "Stars go from 0 to 5.";
      else if (!STARS.test(text)) errors.stars = "Use at most two decimals, like 4.65.";
      else figures.stars = Number(text);
      continue;
    }
    if (text.startsWith("-")) errors[key] = "Enter a count of zero or more.";
    else if (!COUNT.test(text)) errors[key] = "Enter a whole number, like 120.";
    else if (Number(text) > MAX_OUTCOME_COUNT) errors[key] = `That is more than ${MAX_OUTCOME_COUNT.toLocaleString("en-US")}; check the figure.`;
    else figures[key] = Number(text);
  }
  const { visits, newPatients, returningPatients, reviewCount, stars } = figures;
  if (visits !== null && returningPatients !== null && returningPatients > visits) {
    errors.returningPatients ??= "Returning patients cannot be more than the visits.";
  }
  if (visits !== null && newPatients !== null && newPatients > visits) errors.newPatients ??= "New patients cannot be more than the visits.";
  if (stars !== null && (reviewCount === null || reviewCount === 0)) {
    errors.reviewCount ??= "Enter how many reviews the average stars come from.";
  }
  if (Object.keys(errors).length === 0 && OUTCOME_FIGURES.every((f) => figures[f.key] === null)) {
    errors.form = "Enter at least one figure. Leave blank what the practice does not have.";
  }
  if (Object.keys(errors).length > 0 || locationId === null) return { ok: false, errors };
  return { ok: true, input: { month, locationId, figures } };
}

type Columns = Pick<
  OutcomeMonthTable,
  "visits" | "new_patients" | "returning_patients" | "no_shows" | "late_cancellations" | "review_count" | "stars_hundredths" | "complaints"
>;

function toColumns(f: Figures): Columns {
  return {
    visits: f.visits,
    new_patients: f.newPatients,
    returning_patients: f.returningPatients,
    no_shows: f.noShows,
    late_cancellations: f.lateCancellations,
    review_count: f.reviewCount,
    stars_hundredths: f.stars === null ? null : Math.round(f.stars * 100),
    complaints: f.complaints,
  };
}

function fromColumns(c: Columns): Figures {
  return {
    visits: c.visits,
    newPatients: c.new_patients,
    returningPatients: c.returning_patients,
    noShows: c.no_shows,
    lateCancellations: c.late_cancellations,
    reviewCount: c.review_count,
    stars: c.stars_hundredths === null ? null : c.stars_hundredths / 100,
    complaints: c.complaints,
  };
}

const FIGURE_COLUMNS = ["visits", "new_patients", "returning_patients", "no_shows", "late_cancellations", "review_count", "stars_hundredths", "complaints"] as const;

export interface OutcomeRow {
  id: number;
  month: string;
  locationId: number;
  locationName: string;
  figures: Figures;
}

function rowsQuery(db: DB, actor: Actor) {
  let query = db
    .selectFrom("outcome_month")
    .innerJoin("location", "location.id", "outcome_month.location_id")
    .select(["outcome_month.id", "outcome_month.month", "outcome_month.location_id", "location.name as location_name", ...FIGURE_COLUMNS.map((c) => `outcome_month.${c}` as const)]);
  if (actor.scopeLocationId) query = query.where("outcome_month.location_id", "=", actor.scopeLocationId);
  return query;
}

type RowOf = Awaited<ReturnType<ReturnType<typeof rowsQuery>["executeTakeFirstOrThrow"]>>;
const toRow = (r: RowOf): OutcomeRow => ({ id: r.id, month: r.month, locationId: r.location_id, locationName: r.location_name, figures: fromColumns(r) });

/** The months kept, newest first, for the locations the actor sees (one location when `locationId` is given). */
export async function listOutcomeMonths(db: DB, actor: Actor, filter: { locationId: number | null; from?: string; to?: string }): Promise<OutcomeRow[]> {
  let query = rowsQuery(db, actor);
  if (filter.locationId !== null) query = query.where("outcome_month.location_id", "=", filter.locationId);
  if (filter.from) query = query.where("outcome_month.month", ">=", filter.from);
  if (filter.to) query = query.where("outcome_month.month", "<=", filter.to);
  const rows = await query.orderBy("outcome_month.month", "desc").orderBy("location.name").orderBy("outcome_month.id").execute();
  return rows.map(toRow);
}

/** One month's row, if the actor may see its location; otherwise it does not exist for them. */
export async function findOutcomeMonth(db: DB, actor: Actor, id: number): Promise<OutcomeRow | undefined> {
  const row = await rowsQuery(db, actor).where("outcome_month.id", "=", id).executeTakeFirst();
  return row ? toRow(row) : undefined;
}

/** A location the actor may keep figures for; a location out of their scope does not exist for them (404). */
async function checkLocation(db: DB, actor: Actor, locationId: number, field = "locationId"): Promise<string> {
  const location = await db.selectFrom("location").select(["id", "name"]).where("id", "=", locationId).executeTakeFirst();
  if (!location) throw new FieldError(field, "Choose a location.");
  if (actor.scopeLocationId && actor.scopeLocationId !== locationId) throw new FieldError(field, "Not found", 404);
  return location.name;
}

/**
 * Adds a month's figures (no `id`) or changes them, in one transaction with its audit event. A
 * month a location has figures for already is refused: edit that month instead.
 */
export async function saveOutcomeMonth(db: DB, actor: Actor, input: OutcomeInput, now: Date, id: number | null = null): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await serializeOn(trx, [`outcome:${input.month}:${input.locationId}`]);
    const before = id === null ? null : await findOutcomeMonth(trx, actor, id);
    if (id !== null && !before) throw new FieldError("form", "Not found", 404);
    const locationName = await checkLocation(trx, actor, input.locationId);
    const clash = await trx
      .selectFrom("outcome_month")
      .select("id")
      .where("month", "=", input.month)
      .where("location_id", "=", input.locationId)
      .executeTakeFirst();
    if (clash && clash.id !== id) {
      throw new FieldError("month", `${locationName} has figures for ${input.month} already. Edit that month instead.`);
    }
    const at = now.toISOString();
    const values = { month: input.month, location_id: input.locationId, ...toColumns(input.figures), updated_by: actor.id, updated_at: at };
    let savedId: number;
    if (id === null) {
      const row = await trx.insertInto("outcome_month").values({ ...values, created_by: actor.id, created_at: at }).returning("id").executeTakeFirstOrThrow();
      savedId = row.id;
    } else {
      await trx.updateTable("outcome_month").set(values).where("id", "=", id).execute();
      savedId = id;
    }
    await recordAudit(trx, {
      actorId: actor.id,
      action: id === null ? "outcome.add" : "outcome.edit",
      subject: `outcome:${savedId}`,
      details: {
        month: input.month,
        location: locationName,
        figures: input.figures,
        ...(before ? { before: { month: before.month, location: before.locationName, figures: before.figures } } : {}),
      },
      at: now,
    });
    return savedId;
  });
}

export async function deleteOutcomeMonth(db: DB, actor: Actor, id: number, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await findOutcomeMonth(trx, actor, id);
    if (!row) throw new FieldError("form", "Not found", 404);
    await trx.deleteFrom("outcome_month").where("id", "=", id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      action: "outcome.delete",
      subject: `outcome:${id}`,
      details: { month: row.month, location: row.locationName, figures: row.figures },
      at: now,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The owner's values

export interface OutcomeValues {
  returningPatientCents: number | null;
  noShowCents: number | null;
}

export async function getOutcomeValues(db: DB): Promise<OutcomeValues> {
  const row = await db.selectFrom("outcome_value").select(["returning_patient_cents", "no_show_cents"]).where("id", "=", 1).executeTakeFirst();
  return { returningPatientCents: row?.returning_patient_cents ?? null, noShowCents: row?.no_show_cents ?? null };
}

export async function saveOutcomeValues(db: DB, actor: Actor, values: OutcomeValues, now: Date): Promise<void> {
  if (actor.role !== "owner") throw new FieldError("form", "Only the owner sets what a patient is worth.", 403);
  await db.transaction().execute(async (trx) => {
    const at = now.toISOString();
    const row = { returning_patient_cents: values.returningPatientCents, no_show_cents: values.noShowCents, updated_by: actor.id, updated_at: at };
    await trx
      .insertInto("outcome_value")
      .values({ id: 1, ...row })
      .onConflict((oc) => oc.column("id").doUpdateSet(row))
      .execute();
    await recordAudit(trx, { actorId: actor.id, action: "outcome.values", subject: "practice", details: { ...values }, at: now });
  });
}

// ---------------------------------------------------------------------------------------------
// Measures: the figures of the months kept, added up over the locations shown

/** Measures that are a count out of a count (a Wilson interval), and those that are an average (a t interval). */
export type RateKey = "returnRate" | "noShowRate" | "lateCancelRate" | "complaintRate" | "feedbackComplaintShare";
export type AverageKey = "stars" | "feedbackRating";
export type MeasureKey = RateKey | AverageKey;

export interface MeasureInfo {
  key: MeasureKey;
  label: string;
  kind: "rate" | "average";
  /** Typed or imported as outcome figures, or read from the patient feedback kept in DeskCoach. */
  source: "figures" | "feedback";
  /** Which way is better, for the words beside a change. */
  better: "up" | "down";
  /** What the rate counts, out of what, for the table's sample sizes. */
  of?: string;
}

export const MEASURES: MeasureInfo[] = [
  { key: "returnRate", label: "Return rate (returning patients ÷ visits)", kind: "rate", source: "figures", better: "up", of: "visits" },
  { key: "noShowRate", label: "No-show rate (no-shows ÷ booked visits)", kind: "rate", source: "figures", better: "down", of: "booked visits" },
  { key: "lateCancelRate", label: "Late cancellation rate (÷ booked visits)", kind: "rate", source: "figures", better: "down", of: "booked visits" },
  { key: "complaintRate", label: "Complaints per visit", kind: "rate", source: "figures", better: "down", of: "visits" },
  { key: "stars", label: "Average online stars", kind: "average", source: "figures", better: "up" },
  { key: "feedbackRating", label: "Feedback rating (average)", kind: "average", source: "feedback", better: "up" },
  { key: "feedbackComplaintShare", label: "Feedback comments with a complaint theme (share)", kind: "rate", source: "feedback", better: "down", of: "comments" },
];

const FIGURE_RATES = ["returnRate", "noShowRate", "lateCancelRate", "complaintRate"] as const;

/** A rate's parts for one month, or null when a part is not known. */
function rateParts(key: (typeof FIGURE_RATES)[number], f: Figures): { hits: number; n: number } | null {
  const { visits, returningPatients, noShows, lateCancellations, complaints } = f;
  if (visits === null) return null;
  switch (key) {
    case "returnRate":
      return returningPatients === null ? null : { hits: returningPatients, n: visits };
    case "noShowRate":
      return noShows === null ? null : { hits: noShows, n: visits + noShows };
    case "lateCancelRate":
      return lateCancellations === null || noShows === null ? null : { hits: lateCancellations, n: visits + noShows + lateCancellations };
    case "complaintRate":
      return complaints === null ? null : { hits: Math.min(complaints, visits), n: visits };
  }
}

export interface MonthFigures {
  month: string;
  /** Each figure added up over the locations that have it; null when none has. */
  totals: Figures;
  rates: Record<RateKey, { hits: number; n: number } | null>;
  /** The month's stars, weighted by each location's review count. */
  stars: { average: number; reviews: number } | null;
  /** The patient feedback received in the month (at the locations shown), or null when none was. */
  feedback: FeedbackFigures | null;
}

/**
 * The kept rows of each month, added up, and the patient feedback received in it. The feedback
 * joins in by itself, by the day it was received: its rating averaged over every item of the month
 * (an average, compared as the stars are), and its comments with a complaint theme out of all its
 * comments (a rate, pooled as the others are); see feedbackFigures.
 */
export function monthFigures(rows: OutcomeRow[], months: string[], feedback: AnalysisItem[] = []): MonthFigures[] {
  const received = new Map<string, AnalysisItem[]>();
  for (const item of feedback) {
    const month = item.receivedOn.slice(0, 7);
    const of = received.get(month);
    if (of) of.push(item);
    else received.set(month, [item]);
  }
  return months.map((month) => {
    const of = rows.filter((r) => r.month === month);
    const totals = {} as Figures;
    for (const { key } of OUTCOME_FIGURES) {
      if (key === "stars") continue;
      const known = of.map((r) => r.figures[key]).filter((v): v is number => v !== null);
      totals[key] = known.length === 0 ? null : known.reduce((s, v) => s + v, 0);
    }
    const starred = of.filter((r) => r.figures.stars !== null && (r.figures.reviewCount ?? 0) > 0);
    const reviews = starred.reduce((s, r) => s + (r.figures.reviewCount ?? 0), 0);
    const stars = reviews === 0 ? null : { average: starred.reduce((s, r) => s + (r.figures.stars ?? 0) * (r.figures.reviewCount ?? 0), 0) / reviews, reviews };
    totals.stars = stars === null ? null : Math.round(stars.average * 100) / 100;
    const rates = {} as MonthFigures["rates"];
    for (const key of FIGURE_RATES) {
      const parts = of.map((r) => rateParts(key, r.figures)).filter((p): p is { hits: number; n: number } => p !== null && p.n > 0);
      rates[key] = parts.length === 0 ? null : { hits: parts.reduce((s, p) => s + p.hits, 0), n: parts.reduce((s, p) => s + p.n, 0) };
    }
    const items = received.get(month) ?? [];
    const fb = items.length === 0 ? null : feedbackFigures(items);
    rates.feedbackComplaintShare = fb && fb.comments > 0 ? { hits: fb.complaints, n: fb.comments } : null;
    return { month, totals, rates, stars, feedback: fb };
  });
}

/** A measure's value in a month: a rate as a share (0–1), an average as stars or a rating; null when not known. */
export function measureValue(m: MonthFigures, key: MeasureKey): number | null {
  if (key === "stars") return m.stars?.average ?? null;
  if (key === "feedbackRating") return m.feedback?.averageRating ?? null;
  const r = m.rates[key];
  return r === null ? null : r.hits / r.n;
}

// ---------------------------------------------------------------------------------------------
// Before and after each roll-out

export interface Rollout {
  moduleSlug: string;
  moduleTitle: string;
  /** The practice's date of the module's first assignment reaching the locations shown. */
  on: string;
  month: string;
}

/**
 * A module's roll-out: its first assignment (to a person, a job title, a location or everyone)
 * that gave it to someone at the locations shown. Retaken and later assignments do not move it.
 */
export async function listRollouts(db: DB, actor: Actor, locationId: number | null, timeZone: string): Promise<Rollout[]> {
  let query = db
    .selectFrom("assignment")
    .innerJoin("assignment_person", "assignment_person.assignment_id", "assignment.id")
    .innerJoin("user", "user.id", "assignment_person.user_id")
    .leftJoin("module", "module.slug", "assignment.module_slug")
    .select((eb) => ["assignment.module_slug", "module.title", eb.fn.min("assignment.created_at").as("first_at")])
    .where("assignment.module_slug", "is not", null)
    .groupBy(["assignment.module_slug", "module.title"]);
  const place = locationId ?? actor.scopeLocationId;
  if (place) query = query.where("user.location_id", "=", place);
  const rows = await query.execute();
  return rows
    .map((r) => {
      const on = localDate(r.first_at, timeZone);
      return { moduleSlug: r.module_slug as string, moduleTitle: r.title ?? (r.module_slug as string), on, month: on.slice(0, 7) };
    })
    .sort((a, b) => a.on.localeCompare(b.on) || a.moduleTitle.localeCompare(b.moduleTitle));
}

export type Verdict = "up" | "down" | "unclear" | "no-data";

export interface PeriodFigure {
  from: string;
  to: string;
  /** Months in the period with the measure's figures. */
  months: number;
  /** Rates: the count out of n; averages: the mean of the months' values. */
  hits: number | null;
  n: number | null;
  estimate: number | null;
  interval: Interval | null;
}

export interface MeasureChange {
  measure: MeasureInfo;
  before: PeriodFigure;
  after: PeriodFigure;
  change: ({ estimate: number } & Interval) | null;
  verdict: Verdict;
  /** The after period is not over yet (or runs past the months kept). */
  afterIncomplete: boolean;
}

/**
 * One measure in the `window` months before a roll-out's month and the `window` months after it
 * (the roll-out's own month, half before and half after, counts in neither). A change is called
 * one only when its 95% interval leaves out zero; otherwise there is too little data to tell.
 */
export function beforeAfter(figures: MonthFigures[], measure: MeasureInfo, rolloutMonth: string, window: number, currentMonth: string): MeasureChange {
  const beforeFrom = addMonthsToMonth(rolloutMonth, -window);
  const beforeTo = addMonthsToMonth(rolloutMonth, -1);
  const afterFrom = addMonthsToMonth(rolloutMonth, 1);
  const afterTo = addMonthsToMonth(rolloutMonth, window);
  const inRange = (from: string, to: string) => figures.filter((m) => m.month >= from && m.month <= to);
  const period = (from: string, to: string): PeriodFigure & { values: number[] } => {
    const months = inRange(from, to);
    if (measure.kind === "average") {
      const key = measure.key;
      const values = months.map((m) => measureValue(m, key)).filter((v): v is number => v !== null);
      const mean = meanInterval(values);
      return {
        from,
        to,
        months: values.length,
        hits: null,
        n: values.length,
        estimate: values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length,
        interval: mean ? { low: mean.low, high: mean.high } : null,
        values,
      };
    }
    const key = measure.key as RateKey;
    const parts = months.map((m) => m.rates[key]).filter((p): p is { hits: number; n: number } => p !== null);
    const hits = parts.reduce((s, p) => s + p.hits, 0);
    const n = parts.reduce((s, p) => s + p.n, 0);
    const w = n > 0 ? wilson(hits, n) : null;
    return { from, to, months: parts.length, hits, n, estimate: w?.estimate ?? null, interval: w ? { low: w.low, high: w.high } : null, values: [] };
  };
  const before = period(beforeFrom, beforeTo);
  const after = period(afterFrom, afterTo);
  let change: MeasureChange["change"] = null;
  if (measure.kind === "average") {
    const b = meanInterval(before.values);
    const a = meanInterval(after.values);
    if (a && b) change = welchDifference(b, a);
  } else if (before.n && after.n) {
    change = newcombeDifference(wilson(before.hits ?? 0, before.n), wilson(after.hits ?? 0, after.n));
  }
  const verdict: Verdict = before.months === 0 || after.months === 0 ? "no-data" : change && excludesZero(change) ? (change.estimate > 0 ? "up" : "down") : "unclear";
  const strip = ({ values: _values, ...rest }: PeriodFigure & { values: number[] }): PeriodFigure => rest;
  return { measure, before: strip(before), after: strip(after), change, verdict, afterIncomplete: afterTo >= currentMonth || after.months < window };
}

export interface ValueRange {
  /** Per year, in cents: the low and high ends of the change's interval, turned into money. */
  lowCents: number;
  highCents: number;
  /** The yearly count the change is applied to (visits, or booked visits). */
  perYear: number;
}

/**
 * What a change in the return rate (or the no-show rate) would be worth in a year: its interval's
 * ends × the visits (booked visits) of a year at the after period's pace × the owner's value per
 * returning patient (cost per no-show; fewer no-shows is the gain). Null without a value or figures.
 */
export function valueRange(change: MeasureChange, values: OutcomeValues): ValueRange | null {
  if (!change.change || change.after.n === null || change.after.months === 0) return null;
  const perYear = Math.round((change.after.n / change.after.months) * 12);
  let cents: number | null = null;
  let sign = 1;
  if (change.measure.key === "returnRate") cents = values.returningPatientCents;
  if (change.measure.key === "noShowRate") {
    cents = values.noShowCents;
    sign = -1;
  }
  if (cents === null) return null;
  const ends = [change.change.low, change.change.high].map((d) => Math.round(sign * d * perYear * cents));
  return { lowCents: Math.min(...ends), highCents: Math.max(...ends), perYear };
}

// ---------------------------------------------------------------------------------------------
// Training on the same time axis

export interface TrainingMonth {
  month: string;
  /** Spend recorded in the month (the practice's, not split by location). */
  spendCents: number;
  /** Lessons completed in the month by people at the locations shown. */
  lessonsCompleted: number;
  /** Assigned items due by the month's end and, of them, done by then (doneByMonthEnd); null without the library. */
  assigned: { due: number; done: number } | null;
  /** The completion percentage: `assigned.done` out of `assigned.due`, whole; null when nothing was due. */
  donePercent: number | null;
}

export async function trainingByMonth(
  db: DB,
  actor: Actor,
  locationId: number | null,
  months: string[],
  context: { timeZone: string; now?: Date; catalog?: Catalog },
): Promise<TrainingMonth[]> {
  const { timeZone } = context;
  if (months.length === 0) return [];
  const from = `${months[0]}-01`;
  const last = months[months.length - 1] as string;
  const to = `${last}-31`;
  const expenses = await db.selectFrom("expense").select(["spent_on", "amount_cents"]).where("spent_on", ">=", from).where("spent_on", "<=", to).execute();
  // A day either side in UTC, then each completion placed on the practice's own calendar.
  let completions = db
    .selectFrom("completion")
    .innerJoin("user", "user.id", "completion.user_id")
    .select("completion.completed_at")
    .where("completion.completed_at", ">=", new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString())
    .where("completion.completed_at", "<", new Date(Date.parse(`${addMonthsToMonth(last, 1)}-01T00:00:00Z`) + 86_400_000).toISOString());
  const place = locationId ?? actor.scopeLocationId;
  if (place) completions = completions.where("user.location_id", "=", place);
  const [done, assigned] = await Promise.all([
    completions.execute(),
    context.catalog && context.now
      ? doneByMonthEnd(db, { ...actor, scopeLocationId: place ?? null }, context.catalog, months, { now: context.now, timeZone })
      : Promise.resolve(null),
  ]);
  const spend = new Map<string, number>();
  for (const e of expenses) spend.set(e.spent_on.slice(0, 7), (spend.get(e.spent_on.slice(0, 7)) ?? 0) + e.amount_cents);
  const lessons = new Map<string, number>();
  for (const c of done) {
    const month = localDate(c.completed_at, timeZone).slice(0, 7);
    lessons.set(month, (lessons.get(month) ?? 0) + 1);
  }
  return months.map((month, i) => {
    const a = assigned?.[i];
    return {
      month,
      spendCents: spend.get(month) ?? 0,
      lessonsCompleted: lessons.get(month) ?? 0,
      assigned: a ? { due: a.due, done: a.done } : null,
      donePercent: a && a.due > 0 ? Math.round((100 * a.done) / a.due) : null,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The whole page's figures

export interface OutcomeReport {
  months: string[];
  rows: OutcomeRow[];
  figures: MonthFigures[];
  training: TrainingMonth[];
  rollouts: (Rollout & { changes: MeasureChange[] })[];
  window: number;
}

/**
 * The patient feedback kept in DeskCoach from `since` on, as the outcomes read it: what the actor
 * sees (a location-limited manager, their location's), and with a location chosen only that
 * location's (feedback for the whole practice shows under all locations).
 */
async function feedbackFor(db: DB, actor: Actor, locationId: number | null, since: string, catalog: Pick<Catalog, "themes">): Promise<AnalysisItem[]> {
  const stored = await listFeedback(db, actor, { since });
  return toAnalysisItems(locationId === null ? stored : stored.filter((f) => f.locationId === locationId), catalog);
}

/**
 * The months shown: from the first with figures or feedback (at most `span` months back) to this
 * month. With the library (`catalog`) and `now`, the patient feedback's measures and the
 * completion percentage join in; without them (the monthly summary), the typed figures only.
 */
export async function outcomeReport(
  db: DB,
  actor: Actor,
  options: { locationId: number | null; window: number; today: string; timeZone: string; span?: number; catalog?: Catalog; now?: Date },
): Promise<OutcomeReport> {
  const current = options.today.slice(0, 7);
  const earliest = addMonthsToMonth(current, -((options.span ?? 36) - 1));
  const [rows, received] = await Promise.all([
    listOutcomeMonths(db, actor, { locationId: options.locationId, from: earliest, to: current }),
    options.catalog ? feedbackFor(db, actor, options.locationId, `${earliest}-01`, options.catalog) : Promise.resolve([]),
  ]);
  const feedback = received.filter((f) => f.receivedOn.slice(0, 7) <= current);
  const first = [...rows.map((r) => r.month), ...feedback.map((f) => f.receivedOn.slice(0, 7))].reduce((m, x) => (x < m ? x : m), current);
  const months = rows.length === 0 && feedback.length === 0 ? [] : monthsBetween(first, current);
  const figures = monthFigures(rows, months, feedback);
  const measures = options.catalog ? MEASURES : MEASURES.filter((m) => m.source === "figures");
  const [training, rollouts] = await Promise.all([
    trainingByMonth(db, actor, options.locationId, months, { timeZone: options.timeZone, ...(options.now ? { now: options.now } : {}), ...(options.catalog ? { catalog: options.catalog } : {}) }),
    listRollouts(db, actor, options.locationId, options.timeZone),
  ]);
  return {
    months,
    rows,
    figures,
    training,
    window: options.window,
    rollouts: rollouts
      .filter((r) => r.month >= first && r.month <= current)
      .map((r) => ({ ...r, changes: measures.map((m) => beforeAfter(figures, m, r.month, options.window, current)) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Import: a documented column layout

export interface OutcomeImportRow {
  line: number;
  cells: Record<string, string>;
  errors: string[];
}

export type OutcomeImportCheck = { ok: true; rows: OutcomeImportRow[]; inputs: OutcomeInput[] } | { ok: false; fileError: string | null; rows: OutcomeImportRow[] };

/**
 * A CSV whose first row names OUTCOME_COLUMNS, checked row by row as the form checks one month;
 * a location by its name, among those the actor sees; a month a location has figures for already,
 * or twice in the file, refused on its row.
 */
export async function checkOutcomeCsv(db: DB, actor: Actor, bytes: Uint8Array, today: string): Promise<OutcomeImportCheck> {
  const file = readCsvUpload(bytes, OUTCOME_COLUMNS, MAX_OUTCOME_ROWS);
  if ("fileError" in file) return { ok: false, fileError: file.fileError, rows: [] };
  let locations = db.selectFrom("location").select(["id", "name"]);
  if (actor.scopeLocationId) locations = locations.where("id", "=", actor.scopeLocationId);
  const byName = new Map((await locations.execute()).map((l) => [l.name.trim().toLowerCase(), l.id]));
  const kept = new Set((await listOutcomeMonths(db, actor, { locationId: null })).map((r) => `${r.month}|${r.locationId}`));
  const seen = new Set<string>();
  const rows: OutcomeImportRow[] = [];
  const inputs: OutcomeInput[] = [];
  file.records.forEach((record, i) => {
    const cells = Object.fromEntries(OUTCOME_COLUMNS.map((c) => [c, record[c] ?? ""]));
    const row: OutcomeImportRow = { line: i + 2, cells, errors: [] };
    const locationName = (cells.location ?? "").trim();
    const locationId = byName.get(locationName.toLowerCase()) ?? null;
    const raw: Record<string, string> = { month: cells.month ?? "", locationId: locationId === null ? "" : String(locationId) };
    for (const f of OUTCOME_FIGURES) raw[f.key] = cells[f.column] ?? "";
    const check = checkOutcomeFields(raw, today);
    if (!check.ok) {
      for (const [field, message] of Object.entries(check.errors)) {
        if (field === "locationId") row.errors.push(locationName === "" ? "The location is empty." : `No location is called "${locationName}".`);
        else {
          const label = field === "form" ? null : (OUTCOME_FIGURES.find((f) => f.key === field)?.column ?? field);
          row.errors.push(label ? `${label}: ${message}` : message);
        }
      }
    } else {
      const key = `${check.input.month}|${check.input.locationId}`;
      if (kept.has(key)) row.errors.push(`${locationName} has figures for ${check.input.month} already. Edit that month instead.`);
      else if (seen.has(key)) row.errors.push(`${locationName} ${check.input.month} is in the file twice.`);
      else inputs.push(check.input);
      seen.add(key);
    }
    rows.push(row);
  });
  return rows.some((r) => r.errors.length > 0) ? { ok: false, fileError: null, rows } : { ok: true, rows, inputs };
}

/** Adds every checked row in one transaction: all or nothing, and once per request id. */
export async function importOutcomes(db: DB, actor: Actor, inputs: OutcomeInput[], now: Date, requestId: string): Promise<number> {
  const source = `import:${requestId}`;
  return db.transaction().execute(async (trx) => {
    await serializeOn(trx, [`outcome-import:${requestId}`]);
    const done = await trx.selectFrom("outcome_month").select((eb) => eb.fn.countAll<number>().as("n")).where("source", "=", source).executeTakeFirstOrThrow();
    if (Number(done.n) > 0) return Number(done.n);
    const at = now.toISOString();
    for (const input of inputs) {
      const name = await checkLocation(trx, actor, input.locationId, "form");
      const clash = await trx.selectFrom("outcome_month").select("id").where("month", "=", input.month).where("location_id", "=", input.locationId).executeTakeFirst();
      if (clash) throw new FieldError("form", `${name} has figures for ${input.month} already; nothing was added.`);
      await trx
        .insertInto("outcome_month")
        .values({ month: input.month, location_id: input.locationId, ...toColumns(input.figures), created_by: actor.id, created_at: at, updated_by: actor.id, updated_at: at, source })
        .execute();
    }
    await recordAudit(trx, { actorId: actor.id, action: "outcome.import", subject: "practice", details: { rows: inputs.length, requestId }, at: now });
    return inputs.length;
  });
}

/** A month's outcome figures and the latest roll-out's before and after, as the monthly summary shows them. */
export interface SummaryOutcomes {
  figures: { label: string; value: number }[];
  rollout: { title: string; on: string; changes: { label: string; text: string }[] } | null;
}

/**
 * What the printable monthly summary (/owner/summary) and the owner's monthly email say of
 * outcomes for `month`: its figures (only those the practice has) and, for the latest roll-out
 * before that month, each measure's change with its interval, or why there is none.
 */
export async function summaryOutcomes(db: DB, actor: Actor, month: string, context: { today: string; timeZone: string; catalog: Catalog; now: Date }): Promise<SummaryOutcomes> {
  // With the library, so that the patient feedback's measures are among the changes, as on /owner/outcomes.
  const report = await outcomeReport(db, actor, { locationId: null, window: DEFAULT_WINDOW_MONTHS, today: context.today, timeZone: context.timeZone, catalog: context.catalog, now: context.now });
  const figures = report.figures.find((f) => f.month === month) ?? null;
  const latest = report.rollouts.filter((r) => r.month < month).at(-1) ?? null;
  return {
    figures: figures ? OUTCOME_FIGURES.flatMap((f) => (figures.totals[f.key] === null ? [] : [{ label: f.label, value: figures.totals[f.key] as number }])) : [],
    rollout: latest
      ? { title: latest.moduleTitle, on: latest.on, changes: latest.changes.map((c) => ({ label: c.measure.label, text: describeChange({ verdict: c.verdict, kind: c.measure.kind, change: c.change }) })) }
      : null,
  };
}

/** A before-and-after change in words, with its interval: "+2.1 points (95% interval +0.4 to +3.8 points)". */
export function describeChange(c: { verdict: string; kind: "rate" | "average"; change: { estimate: number; low: number; high: number } | null }): string {
  if (c.verdict === "no-data") return "no figures to compare yet";
  if (!c.change || c.verdict === "unclear") return "too little data to tell";
  const f = (x: number) => (c.kind === "rate" ? `${x < 0 ? "−" : "+"}${Math.abs(x * 100).toFixed(1)} points` : `${x < 0 ? "−" : "+"}${Math.abs(x).toFixed(2)} stars`);
  return `${f(c.change.estimate)} (95% interval ${f(c.change.low)} to ${f(c.change.high)})`;
}

