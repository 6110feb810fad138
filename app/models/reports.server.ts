// The owner's reports: budget against actual, value, completion, and the monthly summary (spend
// per employee, kept and followed, is employee-spend.server.ts). Every figure is integer cents or
// a count; every total is the sum of its rows.
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import { joinedText } from "#db/dialect.ts";
import type { SpendCategory } from "#db/schema.ts";
import { CATEGORIES } from "#app/rules/spend-categories.ts";
import { getPlan, hasPlan, headcountOn, resolvePlan } from "./budget.server.ts";
import { learningSecondsIn, type Period } from "./employee-spend.server.ts";
import type { Catalog } from "./catalog.server.ts";
import { addDaysTo, daysBetween } from "#app/rules/dates.ts";
import { fiscalYear, fiscalYearOf, monthEnd, type FiscalYear } from "#app/rules/fiscal.ts";
import { mulDiv } from "#app/rules/money.ts";
import { finishedInPeriod, overdueNow } from "./team-progress.server.ts";
import type { Actor } from "./sessions.server.ts";
import { tablesVersion } from "./learning-changes.server.ts";
import { createReadCache, identity } from "./read-cache.server.ts";
import { localDate, startOfLocalDay } from "./clock.server.ts";
import { getPractice } from "./practice.server.ts";

/**
 * A period of the practice's dates as the instants times are compared with: from local midnight
 * of its first day, up to (not including) local midnight after its last. Completions and attempts
 * are stored as UTC instants; reading the dates as UTC days would move every one made in the
 * practice's evening (in Chicago, after 6 pm) into the next day, or out of the period.
 */
function instantsOf(period: Period, timeZone: string): { from: string; until: string } {
  return { from: startOfLocalDay(period.start, timeZone).toISOString(), until: startOfLocalDay(addDaysTo(period.end, 1), timeZone).toISOString() };
}

/** The practice's month (YYYY-MM) of each instant of a period, from the instants its months start at. */
function localMonths(period: Period, timeZone: string): (at: string) => string {
  const starts: { month: string; from: string }[] = [];
  for (let m = `${period.start.slice(0, 7)}-01`; m <= period.end; m = addDaysTo(monthEnd(m), 1)) {
    starts.push({ month: m.slice(0, 7), from: startOfLocalDay(m, timeZone).toISOString() });
  }
  return (at) => {
    for (let i = starts.length - 1; i > 0; i--) if (at >= starts[i]!.from) return starts[i]!.month;
    return starts[0]?.month ?? at.slice(0, 7);
  };
}

/** The part of a fiscal year that has happened by `today` (all of it once it is over). */
export function yearToDate(fy: FiscalYear, today: string): Period & { elapsedDays: number } {
  const end = today < fy.start ? addDaysTo(fy.start, -1) : today > fy.end ? fy.end : today;
  return { start: fy.start, end, elapsedDays: Math.max(0, daysBetween(fy.start, end) + 1) };
}

async function spendByCategory(db: DB, period: Period): Promise<Map<SpendCategory, number>> {
  const rows = await db
    .selectFrom("expense")
    .select(["category", (eb) => eb.fn.sum<number>("amount_cents").as("cents")])
    .where("spent_on", ">=", period.start)
    .where("spent_on", "<=", period.end)
    .groupBy("category")
    .execute();
  return new Map(rows.map((r) => [r.category, Number(r.cents)]));
}

// ---------------------------------------------------------------------------------------------
// Budget against actual

export interface BudgetReport {
  fiscalYear: FiscalYear;
  period: Period;
  hasPlan: boolean;
  headcount: number;
  rows: { category: SpendCategory; label: string; plannedCents: number; actualCents: number; varianceCents: number }[];
  total: { plannedCents: number; actualCents: number; varianceCents: number };
  /** `cumulativeCents` is null for months still to come. */
  months: { month: string; actualCents: number; cumulativeCents: number | null; planCumulativeCents: number }[];
  /** Actual so far at the same daily rate to the end of the year. */
  projectedCents: number;
  /** How far the projection passes the plan, or 0. */
  overshootCents: number;
  /** The plan divided by today's headcount, when there is both. */
  planPerEmployeeCents: number | null;
}

/** Run rate: spend so far, continued at the same pace per day for the whole year. */
export function projectYear(actualCents: number, elapsedDays: number, yearDays: number): number {
  return elapsedDays <= 0 ? actualCents : mulDiv(actualCents, yearDays, elapsedDays);
}

export async function budgetReport(db: DB, year: number, startMonth: number, today: string): Promise<BudgetReport> {
  const fy = fiscalYear(year, startMonth);
  const period = yearToDate(fy, today);
  const headcount = await headcountOn(db, period.end < fy.start ? fy.start : period.end);
  const plan = resolvePlan(await getPlan(db, year), headcount);
  const actual = await spendByCategory(db, period);
  const rows = CATEGORIES.map((c) => {
    const plannedCents = plan.find((p) => p.category === c.id)?.cents ?? 0;
    const actualCents = actual.get(c.id) ?? 0;
    return { category: c.id, label: c.label, plannedCents, actualCents, varianceCents: plannedCents - actualCents };
  });
  const total = {
    plannedCents: rows.reduce((s, r) => s + r.plannedCents, 0),
    actualCents: rows.reduce((s, r) => s + r.actualCents, 0),
    varianceCents: 0,
  };
  total.varianceCents = total.plannedCents - total.actualCents;

  const monthly = await db
    .selectFrom("expense")
    .select([sql<string>`substr(spent_on, 1, 7)`.as("month"), (eb) => eb.fn.sum<number>("amount_cents").as("cents")])
    .where("spent_on", ">=", period.start)
    .where("spent_on", "<=", period.end)
    .groupBy(sql`substr(spent_on, 1, 7)`)
    .execute();
  const byMonth = new Map(monthly.map((m) => [m.month, Number(m.cents)]));
  let cumulative = 0;
  const months = fy.months.map((start, i) => {
    const month = start.slice(0, 7);
    const actualCents = byMonth.get(month) ?? 0;
    cumulative += actualCents;
    return {
      month,
      actualCents,
      cumulativeCents: start > period.end ? null : cumulative,
      planCumulativeCents: mulDiv(total.plannedCents, i + 1, 12),
    };
  });
  const projectedCents = projectYear(total.actualCents, period.elapsedDays, fy.days);
  return {
    fiscalYear: fy,
    period,
    hasPlan: await hasPlan(db, year),
    headcount,
    rows,
    total,
    months,
    projectedCents,
    overshootCents: Math.max(0, projectedCents - total.plannedCents),
    planPerEmployeeCents: headcount > 0 && total.plannedCents > 0 ? Math.round(total.plannedCents / headcount) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Value: cost per completed lesson and per learning hour

export interface ValueReport {
  completions: number;
  learningSeconds: number;
  rows: { category: SpendCategory; label: string; spendCents: number; perCompletionCents: number | null; perHourCents: number | null }[];
  total: { spendCents: number; perCompletionCents: number | null; perHourCents: number | null };
}

export function costPer(spendCents: number, units: number, unitSize = 1): number | null {
  return units <= 0 ? null : mulDiv(spendCents, unitSize, units);
}

export async function valueReport(db: DB, period: Period, timeZone: string): Promise<ValueReport> {
  const [spend, completions, learningSeconds] = await Promise.all([spendByCategory(db, period), completedLessons(db, period, timeZone), learningSecondsIn(db, period)]);
  const rows = CATEGORIES.map((c) => {
    const spendCents = spend.get(c.id) ?? 0;
    return {
      category: c.id,
      label: c.label,
      spendCents,
      perCompletionCents: costPer(spendCents, completions),
      perHourCents: costPer(spendCents, learningSeconds, 3600),
    };
  });
  const spendCents = rows.reduce((s, r) => s + r.spendCents, 0);
  return {
    completions,
    learningSeconds,
    rows,
    total: { spendCents, perCompletionCents: costPer(spendCents, completions), perHourCents: costPer(spendCents, learningSeconds, 3600) },
  };
}

/** Lessons completed in the period: each person's lesson counted once. Kept until a completion is written. */
function completedLessons(db: DB, period: Period, timeZone: string): Promise<number> {
  return completedCache.read(db, `completed|${period.start}|${period.end}|${timeZone}`, () => countCompleted(db, period, timeZone));
}

const completedCache = createReadCache(8, (db) => tablesVersion(db, ["completion"]));

async function countCompleted(db: DB, period: Period, timeZone: string): Promise<number> {
  const { from, until } = instantsOf(period, timeZone);
  const pairs = db
    .selectFrom("completion")
    .select(["user_id", "lesson_slug"])
    .distinct()
    .where("completed_at", ">=", from)
    .where("completed_at", "<", until);
  return Number((await db.selectFrom(pairs.as("p")).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
}

// ---------------------------------------------------------------------------------------------
// Completion (open to managers, within their scope)

export interface CompletionGroup {
  key: string;
  label: string;
  completions: number;
  learners: number;
  averageScore: number | null;
  firstAttemptPassRate: number | null;
  attempts: number;
}

export interface CompletionReport {
  period: Period;
  byModule: CompletionGroup[];
  byLocation: CompletionGroup[];
  byMonth: { month: string; completions: number }[];
  onTime: number;
  late: number;
  total: CompletionGroup;
}

/**
 * Lessons completed in a period (each person's lesson once, at its first completion in the
 * period), learners, quiz attempts, average score and first attempts passed, by module, location
 * and month, within the actor's scope. Counted in SQL as far as it goes: what comes back is a row
 * per learner (their lessons and months) and a row per lesson and location (the attempts), not a
 * row per completion or attempt. It still reads every completion and attempt of the period.
 */
export async function completionReport(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  period: Period,
  context: { now: Date; timeZone: string },
): Promise<CompletionReport> {
  // The counts are kept until a completion, an attempt, a person or a location is written (a
  // heartbeat or an expense leaves them be); on time against late comes from the kept standings.
  const key = ["completion", identity(catalog), actor.scopeLocationId ?? "all", period.start, period.end, context.timeZone].join("|");
  const [counts, { onTime, late }] = await Promise.all([
    completionCache.read(db, key, () => countCompletion(db, actor, catalog, period, context.timeZone)),
    finishedInPeriod(db, actor, catalog, period, context),
  ]);
  return { ...counts, onTime, late };
}

const completionCache = createReadCache(8, (db) => tablesVersion(db, ["completion", "quiz_attempt", "user", "location"]));

async function countCompletion(db: DB, actor: Actor, catalog: Catalog, period: Period, timeZone: string): Promise<Omit<CompletionReport, "onTime" | "late">> {
  const { from, until } = instantsOf(period, timeZone);
  const monthOf = localMonths(period, timeZone);
  const scope = actor.scopeLocationId;
  // `user` is a reserved word in PostgreSQL: raw SQL names the table through sql.table, which quotes it.
  const user = sql.table("user");
  const inScope = (column: string) => (scope ? sql`and ${sql.ref(column)} in (select id from ${user} where location_id = ${scope})` : sql``);
  const [learners, attempted, locations] = await Promise.all([
    // Per learner: each lesson once, with the month of its first completion in the period.
    sql<{ user_id: number; location_id: number | null; lessons: string }>`
      select c.user_id, (select location_id from ${user} where ${sql.ref("user.id")} = c.user_id) as location_id,
        ${joinedText(db, sql<string>`c.lesson_slug || ${"\u001f"} || c.at`, "\u001e")} as lessons
      from (
        select user_id, lesson_slug, min(completed_at) as at from completion
        where completed_at >= ${from} and completed_at < ${until} ${inScope("user_id")}
        group by user_id, lesson_slug
      ) as c
      group by c.user_id`.execute(db),
    // Per lesson and location. "Materialized" keeps SQLite from working out each attempt's
    // first-ever test inside the grouping, which took it twice as long.
    sql<{ lesson_slug: string; location_id: number | null; attempts: number; scores: number; firsts: number; first_passes: number }>`
      with a as materialized (
        select a.lesson_slug, a.user_id, a.score, a.passed,
          case when exists (
            select 1 from quiz_attempt as b
            where b.user_id = a.user_id and b.lesson_slug = a.lesson_slug
              and (b.submitted_at < a.submitted_at or (b.submitted_at = a.submitted_at and b.id < a.id))
          ) then 0 else 1 end as first
        from quiz_attempt as a
        where a.submitted_at >= ${from} and a.submitted_at < ${until} ${inScope("a.user_id")}
      )
      select a.lesson_slug, (select location_id from ${user} where ${sql.ref("user.id")} = a.user_id) as location_id,
        count(*) as attempts, sum(a.score) as scores, sum(a.first) as firsts, sum(case when a.first = 1 and a.passed = 1 then 1 else 0 end) as first_passes
      from a group by 1, 2`.execute(db),
    db.selectFrom("location").select(["id", "name"]).execute(),
  ]);

  const locationName = new Map(locations.map((l) => [l.id, l.name]));
  const moduleOf = (lessonSlug: string) => {
    const lesson = catalog.lesson(lessonSlug);
    const module = lesson ? catalog.module(lesson.moduleSlug) : undefined;
    return { key: module?.slug ?? "retired", label: module?.title ?? "Retired lessons" };
  };
  const locationOf = (id: number | null) => {
    const name = (id !== null ? locationName.get(id) : undefined) ?? "No location";
    return { key: name, label: name };
  };
  const ALL = { key: "all", label: "All" };
  type Sums = CompletionGroup & { scoreSum: number; firsts: number; firstPasses: number };
  const groups = { module: new Map<string, Sums>(), location: new Map<string, Sums>(), total: new Map<string, Sums>() };
  const get = (kind: keyof typeof groups, k: { key: string; label: string }) => {
    let g = groups[kind].get(k.key);
    if (!g) groups[kind].set(k.key, (g = { ...k, completions: 0, learners: 0, averageScore: null, firstAttemptPassRate: null, attempts: 0, scoreSum: 0, firsts: 0, firstPasses: 0 }));
    return g;
  };
  const counts = new Map<string, number>();
  for (const learner of learners.rows) {
    const place = get("location", locationOf(learner.location_id));
    const all = get("total", ALL);
    const modules = new Set<Sums>();
    // Unit and record separators: characters no slug or time holds.
    for (const entry of learner.lessons.split("\u001e")) {
      const [lessonSlug = "", at = ""] = entry.split("\u001f");
      const month = monthOf(at);
      const module = get("module", moduleOf(lessonSlug));
      module.completions++;
      place.completions++;
      all.completions++;
      modules.add(module);
      counts.set(month, (counts.get(month) ?? 0) + 1);
    }
    for (const module of modules) module.learners++;
    place.learners++;
    all.learners++;
  }
  for (const a of attempted.rows) {
    for (const g of [get("module", moduleOf(a.lesson_slug)), get("location", locationOf(a.location_id)), get("total", ALL)]) {
      g.attempts += Number(a.attempts);
      g.scoreSum += Number(a.scores ?? 0);
      g.firsts += Number(a.firsts ?? 0);
      g.firstPasses += Number(a.first_passes ?? 0);
    }
  }
  const finish = (kind: keyof typeof groups): CompletionGroup[] =>
    [...groups[kind].values()].map(({ scoreSum, firsts, firstPasses, ...g }) => ({
      ...g,
      averageScore: g.attempts === 0 ? null : Math.round(scoreSum / g.attempts),
      firstAttemptPassRate: firsts === 0 ? null : Math.round((100 * firstPasses) / firsts),
    }));

  const moduleOrder = new Map(catalog.modules.map((m, i) => [m.slug, i]));
  const byModule = finish("module").sort((a, b) => (moduleOrder.get(a.key) ?? 99) - (moduleOrder.get(b.key) ?? 99));
  const byLocation = finish("location").sort((a, b) => a.label.localeCompare(b.label));
  const [total] = finish("total");

  const byMonth: { month: string; completions: number }[] = [];
  for (let m = `${period.start.slice(0, 7)}-01`; m <= period.end; m = addDaysTo(monthEnd(m), 1)) {
    byMonth.push({ month: m.slice(0, 7), completions: counts.get(m.slice(0, 7)) ?? 0 });
  }

  return {
    period,
    byModule,
    byLocation,
    byMonth,
    total: total ?? { key: "all", label: "All", completions: 0, learners: 0, averageScore: null, firstAttemptPassRate: null, attempts: 0 },
  };
}

// ---------------------------------------------------------------------------------------------
// The owner's one-page monthly summary

export interface MonthlySummary {
  month: string;
  period: Period;
  spend: { category: SpendCategory; label: string; cents: number }[];
  spendCents: number;
  monthPlanCents: number;
  budget: BudgetReport;
  completion: CompletionReport;
  learningSeconds: number;
  overdueNow: number;
  behind: { name: string; overdue: number }[];
}

export async function monthlySummary(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  month: string,
  context: { now: Date; timeZone: string; startMonth: number; today: string; fiscalYearOf: (date: string) => number },
): Promise<MonthlySummary> {
  const start = `${month}-01`;
  const end = monthEnd(start) < context.today ? monthEnd(start) : context.today;
  const period = { start, end };
  const [byCategory, budget, completion, value, overdue] = await Promise.all([
    spendByCategory(db, period),
    budgetReport(db, context.fiscalYearOf(start), context.startMonth, end),
    completionReport(db, actor, catalog, period, context),
    valueReport(db, period, context.timeZone),
    overdueNow(db, actor, catalog, context),
  ]);
  const spend = CATEGORIES.map((c) => ({ category: c.id, label: c.label, cents: byCategory.get(c.id) ?? 0 })).filter((s) => s.cents > 0);
  return {
    month,
    period,
    spend,
    spendCents: spend.reduce((s, x) => s + x.cents, 0),
    monthPlanCents: mulDiv(budget.total.plannedCents, 1, 12),
    budget,
    completion,
    learningSeconds: value.learningSeconds,
    overdueNow: overdue.overdue,
    behind: overdue.behind,
  };
}

/**
 * The monthly summary of `month` as of `now`, on the practice's own calendar and fiscal year: what
 * /owner/summary shows and the owner's monthly email says, from this one call.
 */
export async function practiceMonthlySummary(db: DB, actor: Actor, catalog: Catalog, month: string, now: Date): Promise<MonthlySummary> {
  const practice = await getPractice(db);
  const timeZone = practice?.time_zone ?? "UTC";
  const startMonth = practice?.fiscal_year_start_month ?? 1;
  return monthlySummary(db, actor, catalog, month, {
    now,
    timeZone,
    startMonth,
    today: localDate(now, timeZone),
    fiscalYearOf: (date) => fiscalYearOf(date, startMonth),
  });
}
