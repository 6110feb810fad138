// The owner's reports: budget against actual, spend per employee, value, completion, and the
// monthly summary. Every figure is integer cents or a count; every total is the sum of its rows.
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import type { SpendCategory } from "#db/schema.ts";
import { CATEGORIES } from "#app/rules/spend-categories.ts";
import { employeesInPeriod, getPlan, hasPlan, headcountOn, resolvePlan } from "./budget.server.ts";
import type { Catalog } from "./catalog.server.ts";
import { addDaysTo, daysBetween } from "#app/rules/dates.ts";
import { fiscalYear, monthEnd, type FiscalYear } from "#app/rules/fiscal.ts";
import { mulDiv, splitEqually } from "#app/rules/money.ts";
import { progressMatrix } from "./team-progress.server.ts";
import type { Actor } from "./sessions.server.ts";

export interface Period {
  start: string;
  /** Inclusive. */
  end: string;
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
// Spend per employee

export interface EmployeeSpendRow {
  userId: number;
  name: string;
  location: string | null;
  ownCents: number;
  sharedCents: number;
  totalCents: number;
  minutes: number;
  labourCents: number | null;
}

export interface EmployeeSpendReport {
  period: Period;
  rows: EmployeeSpendRow[];
  totals: { ownCents: number; sharedCents: number; totalCents: number; labourCents: number | null; minutes: number };
  practiceWideCents: number;
  /** Practice-wide spend with nobody to share it among (no employees in the period). */
  unallocatedCents: number;
  employees: number;
  averageCents: number;
}

/**
 * What belongs to each person, plus an equal share of practice-wide spend among the employees
 * active in the period (leftover cents to the first by id, so shares add up exactly), plus labour
 * (time in lessons × hourly wage) when it is turned on, reported separately.
 */
export async function employeeSpendReport(db: DB, period: Period, labour: boolean): Promise<EmployeeSpendReport> {
  const employees = await employeesInPeriod(db, period.start, period.end);
  const [own, practiceWide, time] = await Promise.all([
    db
      .selectFrom("expense_share")
      .innerJoin("expense", "expense.id", "expense_share.expense_id")
      .innerJoin("user", "user.id", "expense_share.user_id")
      .leftJoin("location", "location.id", "user.location_id")
      .select(["expense_share.user_id", "user.name", "location.name as location", "user.hourly_wage_cents", (eb) => eb.fn.sum<number>("expense_share.amount_cents").as("cents")])
      .where("expense.spent_on", ">=", period.start)
      .where("expense.spent_on", "<=", period.end)
      .groupBy(["expense_share.user_id", "user.name", "location.name", "user.hourly_wage_cents"])
      .execute(),
    db
      .selectFrom("expense")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount_cents"), eb.lit(0)).as("cents"))
      .where("spent_on", ">=", period.start)
      .where("spent_on", "<=", period.end)
      .where((eb) => eb.not(eb.exists(eb.selectFrom("expense_share").select("expense_share.user_id").whereRef("expense_share.expense_id", "=", "expense.id"))))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("learning_day")
      .select(["user_id", (eb) => eb.fn.sum<number>("seconds").as("seconds")])
      .where("day", ">=", period.start)
      .where("day", "<=", period.end)
      .groupBy("user_id")
      .execute(),
  ]);
  const practiceWideCents = Number(practiceWide.cents);
  const shares = splitEqually(practiceWideCents, employees.length);
  const seconds = new Map(time.map((t) => [t.user_id, Number(t.seconds)]));
  const rows = new Map<number, EmployeeSpendRow & { wage: number | null }>();
  employees.forEach((e, i) => {
    rows.set(e.id, { userId: e.id, name: e.name, location: e.location_name, ownCents: 0, sharedCents: shares[i] ?? 0, totalCents: 0, minutes: 0, labourCents: null, wage: e.hourly_wage_cents });
  });
  for (const o of own) {
    const row = rows.get(o.user_id) ?? { userId: o.user_id, name: o.name, location: o.location, ownCents: 0, sharedCents: 0, totalCents: 0, minutes: 0, labourCents: null, wage: o.hourly_wage_cents };
    row.ownCents = Number(o.cents);
    rows.set(o.user_id, row);
  }
  const list = [...rows.values()].map(({ wage, ...row }) => {
    const secs = seconds.get(row.userId) ?? 0;
    return {
      ...row,
      totalCents: row.ownCents + row.sharedCents,
      minutes: Math.round(secs / 60),
      labourCents: labour ? (wage === null ? 0 : mulDiv(secs, wage, 3600)) : null,
    };
  });
  list.sort((a, b) => b.totalCents - a.totalCents || a.name.localeCompare(b.name));
  const sum = (pick: (r: EmployeeSpendRow) => number) => list.reduce((s, r) => s + pick(r), 0);
  const totals = {
    ownCents: sum((r) => r.ownCents),
    sharedCents: sum((r) => r.sharedCents),
    totalCents: sum((r) => r.totalCents),
    labourCents: labour ? sum((r) => r.labourCents ?? 0) : null,
    minutes: sum((r) => r.minutes),
  };
  return {
    period,
    rows: list,
    totals,
    practiceWideCents,
    unallocatedCents: employees.length === 0 ? practiceWideCents : 0,
    employees: employees.length,
    averageCents: employees.length === 0 ? 0 : Math.round(totals.totalCents / employees.length),
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

export async function valueReport(db: DB, period: Period): Promise<ValueReport> {
  const [spend, completions, seconds] = await Promise.all([
    spendByCategory(db, period),
    completedLessons(db, period),
    db
      .selectFrom("learning_day")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("seconds"), eb.lit(0)).as("s"))
      .where("day", ">=", period.start)
      .where("day", "<=", period.end)
      .executeTakeFirstOrThrow(),
  ]);
  const learningSeconds = Number(seconds.s);
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

/** Lessons completed in the period: each person's lesson counted once. */
async function completedLessons(db: DB, period: Period, userIds?: number[]): Promise<number> {
  let query = db
    .selectFrom("completion")
    .select(sql<number>`count(distinct user_id || ':' || lesson_slug)`.as("n"))
    .where("completed_at", ">=", `${period.start}T00:00:00.000Z`)
    .where("completed_at", "<=", `${period.end}T23:59:59.999Z`);
  if (userIds) query = query.where("user_id", "in", userIds.length > 0 ? userIds : [-1]);
  return Number((await query.executeTakeFirstOrThrow()).n);
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

export async function completionReport(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  period: Period,
  context: { now: Date; timeZone: string },
): Promise<CompletionReport> {
  let people = db.selectFrom("user").leftJoin("location", "location.id", "user.location_id").select(["user.id", "location.name as location"]);
  if (actor.scopeLocationId) people = people.where("user.location_id", "=", actor.scopeLocationId);
  const users = await people.execute();
  const ids = users.length > 0 ? users.map((u) => u.id) : [-1];
  const locationOf = new Map(users.map((u) => [u.id, u.location ?? "No location"]));
  const from = `${period.start}T00:00:00.000Z`;
  const to = `${period.end}T23:59:59.999Z`;
  const [completions, attempts] = await Promise.all([
    db
      .selectFrom("completion")
      .select(["user_id", "lesson_slug", (eb) => eb.fn.min("completed_at").as("at")])
      .where("user_id", "in", ids)
      .where("completed_at", ">=", from)
      .where("completed_at", "<=", to)
      .groupBy(["user_id", "lesson_slug"])
      .execute(),
    db
      .selectFrom("quiz_attempt as a")
      .select([
        "a.user_id",
        "a.lesson_slug",
        "a.score",
        "a.passed",
        "a.submitted_at",
        // The person's first ever attempt at this lesson?
        (eb) =>
          eb
            .not(
              eb.exists(
                eb
                  .selectFrom("quiz_attempt as b")
                  .select("b.id")
                  .whereRef("b.user_id", "=", "a.user_id")
                  .whereRef("b.lesson_slug", "=", "a.lesson_slug")
                  .where((w) => w.or([w("b.submitted_at", "<", w.ref("a.submitted_at")), w.and([w("b.submitted_at", "=", w.ref("a.submitted_at")), w("b.id", "<", w.ref("a.id"))])])),
              ),
            )
            .as("first"),
      ])
      .where("a.user_id", "in", ids)
      .where("a.submitted_at", ">=", from)
      .where("a.submitted_at", "<=", to)
      .execute(),
  ]);

  const moduleOf = (slug: string) => {
    const lesson = catalog.lesson(slug);
    const module = lesson ? catalog.module(lesson.moduleSlug) : undefined;
    return { key: module?.slug ?? "retired", label: module?.title ?? "Retired lessons" };
  };
  const group = (keyOf: (userId: number, lessonSlug: string) => { key: string; label: string }): CompletionGroup[] => {
    const groups = new Map<string, CompletionGroup & { scoreSum: number; firsts: number; firstPasses: number; who: Set<number> }>();
    const get = (k: { key: string; label: string }) => {
      let g = groups.get(k.key);
      if (!g) {
        g = { ...k, completions: 0, learners: 0, averageScore: null, firstAttemptPassRate: null, attempts: 0, scoreSum: 0, firsts: 0, firstPasses: 0, who: new Set() };
        groups.set(k.key, g);
      }
      return g;
    };
    for (const c of completions) {
      const g = get(keyOf(c.user_id, c.lesson_slug));
      g.completions++;
      g.who.add(c.user_id);
    }
    for (const a of attempts) {
      const g = get(keyOf(a.user_id, a.lesson_slug));
      g.attempts++;
      g.scoreSum += a.score;
      if (a.first) {
        g.firsts++;
        if (a.passed) g.firstPasses++;
      }
    }
    return [...groups.values()].map(({ scoreSum, firsts, firstPasses, who, ...g }) => ({
      ...g,
      learners: who.size,
      averageScore: g.attempts === 0 ? null : Math.round(scoreSum / g.attempts),
      firstAttemptPassRate: firsts === 0 ? null : Math.round((100 * firstPasses) / firsts),
    }));
  };

  const moduleOrder = new Map(catalog.modules.map((m, i) => [m.slug, i]));
  const byModule = group((_, slug) => moduleOf(slug)).sort((a, b) => (moduleOrder.get(a.key) ?? 99) - (moduleOrder.get(b.key) ?? 99));
  const byLocation = group((userId) => ({ key: locationOf.get(userId) ?? "No location", label: locationOf.get(userId) ?? "No location" })).sort((a, b) => a.label.localeCompare(b.label));
  const [total] = group(() => ({ key: "all", label: "All" }));

  const counts = new Map<string, number>();
  for (const c of completions) counts.set(String(c.at).slice(0, 7), (counts.get(String(c.at).slice(0, 7)) ?? 0) + 1);
  const byMonth: { month: string; completions: number }[] = [];
  for (let m = `${period.start.slice(0, 7)}-01`; m <= period.end; m = addDaysTo(monthEnd(m), 1)) {
    byMonth.push({ month: m.slice(0, 7), completions: counts.get(m.slice(0, 7)) ?? 0 });
  }

  // On time against late: assigned items finished in the period.
  const matrix = await progressMatrix(db, actor, catalog, {}, context);
  let onTime = 0;
  let late = 0;
  for (const row of matrix.rows) {
    for (const cell of Object.values(row.cells)) {
      if (!cell?.completedOn || cell.completedOn < period.start || cell.completedOn > period.end) continue;
      if (cell.state === "done") onTime++;
      else if (cell.state === "done-late") late++;
    }
  }
  return {
    period,
    byModule,
    byLocation,
    byMonth,
    onTime,
    late,
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
  const [byCategory, budget, completion, value, matrix] = await Promise.all([
    spendByCategory(db, period),
    budgetReport(db, context.fiscalYearOf(start), context.startMonth, end),
    completionReport(db, actor, catalog, period, context),
    valueReport(db, period),
    progressMatrix(db, actor, catalog, {}, context),
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
    overdueNow: matrix.rows.reduce((s, r) => s + r.overdue, 0),
    behind: matrix.rows.filter((r) => r.overdue > 0).slice(0, 5).map((r) => ({ name: r.person.name, overdue: r.overdue })),
  };
}
