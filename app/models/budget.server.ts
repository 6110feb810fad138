// The yearly training budget: planned amounts per category, some per employee.
import type { DB } from "#db/connection.ts";
import type { SpendCategory } from "#db/schema.ts";
import { CATEGORIES } from "#app/rules/spend-categories.ts";
import { recordAudit } from "./audit.server.ts";
import { localDate } from "./clock.server.ts";
import { tablesVersion } from "./learning-changes.server.ts";
import { getPractice } from "./practice.server.ts";
import { createReadCache } from "./read-cache.server.ts";
import type { Actor } from "./sessions.server.ts";

export interface PlanLine {
  category: SpendCategory;
  plannedCents: number;
  perEmployee: boolean;
}

/** Every category, planned or not (an unplanned one is 0). */
export async function getPlan(db: DB, fiscalYear: number): Promise<PlanLine[]> {
  const rows = await db
    .selectFrom("budget_plan")
    .select(["category", "planned_cents", "per_employee"])
    .where("fiscal_year", "=", fiscalYear)
    .execute();
  const byCategory = new Map(rows.map((r) => [r.category, r]));
  return CATEGORIES.map((c) => {
    const row = byCategory.get(c.id);
    return { category: c.id, plannedCents: row?.planned_cents ?? 0, perEmployee: row?.per_employee === 1 };
  });
}

export async function hasPlan(db: DB, fiscalYear: number): Promise<boolean> {
  return Boolean(await db.selectFrom("budget_plan").select("category").where("fiscal_year", "=", fiscalYear).executeTakeFirst());
}

/** The plan in dollars for the year: per-employee lines multiply by headcount. */
export function resolvePlan(lines: PlanLine[], headcount: number): { category: SpendCategory; cents: number }[] {
  return lines.map((l) => ({ category: l.category, cents: l.perEmployee ? l.plannedCents * headcount : l.plannedCents }));
}

export async function savePlan(db: DB, actor: Actor, fiscalYear: number, lines: PlanLine[], now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await getPlan(trx, fiscalYear);
    await trx.deleteFrom("budget_plan").where("fiscal_year", "=", fiscalYear).execute();
    await trx
      .insertInto("budget_plan")
      .values(lines.map((l) => ({ fiscal_year: fiscalYear, category: l.category, planned_cents: l.plannedCents, per_employee: l.perEmployee ? 1 : 0 })))
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      action: "budget.save",
      subject: `fiscal-year:${fiscalYear}`,
      details: { before, after: lines },
      at: now,
    });
  });
}

/** Copies last year's plan into this year (nothing to copy is an error the page shows). */
export async function copyPlan(db: DB, actor: Actor, from: number, to: number, now: Date): Promise<boolean> {
  if (!(await hasPlan(db, from))) return false;
  await savePlan(db, actor, to, await getPlan(db, from), now);
  return true;
}

/**
 * People counted as employees in a period: staff and managers who had started by its end and had
 * not left before its start. Owners are not counted. Kept until a person, a location or the
 * practice (its time zone) is written: a heartbeat or an expense leaves the list be. The list is
 * shared by its readers: not to be changed.
 */
export function employeesInPeriod(db: DB, start: string, end: string) {
  return employeesCache.read(db, `${start}|${end}`, () => readEmployeesInPeriod(db, start, end));
}

const employeesCache = createReadCache(8, (db) => tablesVersion(db, ["user", "location", "practice"]));

async function readEmployeesInPeriod(db: DB, start: string, end: string) {
  const rows = await db
    .selectFrom("user")
    .leftJoin("location", "location.id", "user.location_id")
    .select(["user.id", "user.name", "user.hourly_wage_cents", "user.hired_on", "user.created_at", "user.deactivated_at", "user.status", "location.name as location_name"])
    .where("user.role", "!=", "owner")
    .orderBy("user.id")
    .execute();
  // Periods are practice dates; added and deactivated are instants, dated where the practice is.
  const timeZone = (await getPractice(db))?.time_zone ?? "UTC";
  // What is kept is what its readers use: a practice of 10,000 holds it for a year and a day.
  return rows
    .filter((r) => {
      const joined = r.hired_on ?? localDate(r.created_at, timeZone);
      const left = r.status === "deactivated" ? localDate(r.deactivated_at ?? r.created_at, timeZone) : null;
      return joined <= end && (left === null || left >= start);
    })
    .map((r) => ({ id: r.id, name: r.name, hourly_wage_cents: r.hourly_wage_cents, location_name: r.location_name }));
}

/** Employees on the books on a date: what per-employee plan lines multiply by. */
export async function headcountOn(db: DB, date: string): Promise<number> {
  return (await employeesInPeriod(db, date, date)).length;
}
