// Spend per employee, and the learning time the cost reports count: kept per period and followed,
// not recomputed (docs/decisions/0015-a-practice-of-10000.md).
//
// What each person is listed with splits in two. Who is listed, in what order, with their own
// spend and their share of practice-wide spend changes only when people, locations, expenses or
// their shares are written: that part is worked out for everyone and kept until one of those
// tables is (tablesVersion). Learning time changes with every reading-time heartbeat: each
// person's seconds in the period are kept, and after a write only the people it touched
// (learning-changes.server.ts) are read again, their minutes and labour worked out again, and the
// totals moved by the difference.
import type { DB } from "#db/connection.ts";
import { mulDiv, splitEqually } from "#app/rules/money.ts";
import { employeesInPeriod } from "./budget.server.ts";
import { latestLearningChange, learningChangesSince, tablesVersion } from "./learning-changes.server.ts";

export interface Period {
  start: string;
  /** Inclusive. */
  end: string;
}

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
  /** How many people are listed. */
  count: number;
  /** Listed people from `offset`, most spent on first (then by name): all of them by default. */
  rows: (offset?: number, limit?: number) => EmployeeSpendRow[];
  totals: { ownCents: number; sharedCents: number; totalCents: number; labourCents: number | null; minutes: number };
  practiceWideCents: number;
  /** Practice-wide spend with nobody to share it among (no employees in the period). */
  unallocatedCents: number;
  employees: number;
  averageCents: number;
}

/** Minutes and labour (time in lessons × hourly wage) of a person's learning time: the one place they are worked out. */
function timeFigures(seconds: number, wage: number | null): { minutes: number; labourCents: number } {
  return { minutes: Math.round(seconds / 60), labourCents: wage === null ? 0 : mulDiv(seconds, wage, 3600) };
}

interface Listed {
  userId: number;
  name: string;
  location: string | null;
  ownCents: number;
  sharedCents: number;
  wage: number | null;
  seconds: number;
}

interface SpendStore {
  /** Of the tables who is listed and their spend are read from. */
  version: string;
  /** The learning-change log's sequence number the learning time reflects. */
  seq: number;
  period: Period;
  /**
   * In report order. A person whose time changes is replaced, not changed, in a copy of the list:
   * a report already handed out (an export being sent) keeps the list and totals it was given.
   */
  listed: Listed[];
  /** Where each listed person is in `listed`. */
  position: Map<number, number>;
  /** Everyone's learning seconds in the period, listed or not (the value report counts them all). */
  seconds: Map<number, number>;
  learningSeconds: number;
  practiceWideCents: number;
  employees: number;
  sums: { ownCents: number; sharedCents: number; minutes: number; labourCents: number };
}

const SPEND_TABLES = ["user", "location", "expense", "expense_share", "practice"] as const;
/** People whose learning time is read back in one query. */
const BATCH = 500;
/** Past this many people changed since the last look, reading everyone afresh is as quick. */
const REBUILD_AFTER = 2_000;
/** Periods kept per database: the reports' year to date and a month or two of summaries. */
const PERIODS = 4;

/** A person's learning seconds in the period are now `seconds`: every figure made of them follows. */
function setSeconds(store: SpendStore, userId: number, seconds: number): void {
  store.learningSeconds += seconds - (store.seconds.get(userId) ?? 0);
  if (seconds === 0) store.seconds.delete(userId);
  else store.seconds.set(userId, seconds);
  const at = store.position.get(userId);
  const person = at === undefined ? undefined : store.listed[at];
  if (at === undefined || !person) return;
  const before = timeFigures(person.seconds, person.wage);
  const after = timeFigures(seconds, person.wage);
  store.sums.minutes += after.minutes - before.minutes;
  store.sums.labourCents += after.labourCents - before.labourCents;
  store.listed[at] = { ...person, seconds };
}

/**
 * Who is listed: the employees active in the period, each with an equal share of practice-wide
 * spend (leftover cents to the first by id, so shares add up exactly), and anyone else something
 * was spent on; then everyone's learning time.
 */
async function buildStore(db: DB, period: Period): Promise<SpendStore> {
  // Versions first: a write while the practice is being read is then seen again next time.
  const version = await tablesVersion(db, SPEND_TABLES);
  const seq = await latestLearningChange(db);
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
  const byUser = new Map<number, Listed>();
  employees.forEach((e, i) => {
    byUser.set(e.id, { userId: e.id, name: e.name, location: e.location_name, ownCents: 0, sharedCents: shares[i] ?? 0, wage: e.hourly_wage_cents, seconds: 0 });
  });
  for (const o of own) {
    const person = byUser.get(o.user_id) ?? { userId: o.user_id, name: o.name, location: o.location, ownCents: 0, sharedCents: 0, wage: o.hourly_wage_cents, seconds: 0 };
    person.ownCents = Number(o.cents);
    byUser.set(o.user_id, person);
  }
  const listed = [...byUser.values()];
  const totalOf = (p: Listed) => p.ownCents + p.sharedCents;
  listed.sort((a, b) => totalOf(b) - totalOf(a) || a.name.localeCompare(b.name));
  const store: SpendStore = {
    version,
    seq,
    period,
    listed,
    position: new Map(listed.map((p, i) => [p.userId, i])),
    seconds: new Map(),
    learningSeconds: 0,
    practiceWideCents,
    employees: employees.length,
    sums: { ownCents: listed.reduce((s, p) => s + p.ownCents, 0), sharedCents: listed.reduce((s, p) => s + p.sharedCents, 0), minutes: 0, labourCents: 0 },
  };
  for (const t of time) setSeconds(store, t.user_id, Number(t.seconds));
  return store;
}

/** Reads again the learning time of the people written since the store last looked. */
async function follow(db: DB, store: SpendStore): Promise<SpendStore> {
  if ((await tablesVersion(db, SPEND_TABLES)) !== store.version) return buildStore(db, store.period);
  const changes = await learningChangesSince(db, store.seq);
  if (changes.userIds.length > REBUILD_AFTER) return buildStore(db, store.period);
  if (changes.userIds.length === 0) return store;
  store.listed = store.listed.slice();
  for (let i = 0; i < changes.userIds.length; i += BATCH) {
    const batch = changes.userIds.slice(i, i + BATCH);
    const rows = await db
      .selectFrom("learning_day")
      .select(["user_id", (eb) => eb.fn.sum<number>("seconds").as("seconds")])
      .where("user_id", "in", batch)
      .where("day", ">=", store.period.start)
      .where("day", "<=", store.period.end)
      .groupBy("user_id")
      .execute();
    const seconds = new Map(rows.map((r) => [r.user_id, Number(r.seconds)]));
    for (const userId of batch) setSeconds(store, userId, seconds.get(userId) ?? 0);
  }
  store.seq = changes.seq;
  return store;
}

const stores = new WeakMap<object, Map<string, Promise<SpendStore>>>();

/**
 * The kept figures of a period, brought up to date. Calls for one period are taken one after
 * another; the least recently used period goes past PERIODS.
 */
function keptSpend(db: DB, period: Period): Promise<SpendStore> {
  let mine = stores.get(db);
  if (!mine) stores.set(db, (mine = new Map()));
  const key = `${period.start}|${period.end}`;
  const previous = mine.get(key);
  const next = (async () => {
    const store = previous ? await previous.catch(() => null) : null;
    return store ? follow(db, store) : buildStore(db, period);
  })();
  mine.delete(key);
  mine.set(key, next);
  while (mine.size > PERIODS) mine.delete(mine.keys().next().value as string);
  return next;
}

/**
 * What belongs to each person, plus an equal share of practice-wide spend among the employees
 * active in the period, plus labour (time in lessons × hourly wage) when it is turned on, reported
 * separately.
 */
export async function employeeSpendReport(db: DB, period: Period, labour: boolean): Promise<EmployeeSpendReport> {
  const store = await keptSpend(db, period);
  const { listed, sums } = store;
  const totalCents = sums.ownCents + sums.sharedCents;
  const row = (p: Listed): EmployeeSpendRow => {
    const time = timeFigures(p.seconds, p.wage);
    return {
      userId: p.userId,
      name: p.name,
      location: p.location,
      ownCents: p.ownCents,
      sharedCents: p.sharedCents,
      totalCents: p.ownCents + p.sharedCents,
      minutes: time.minutes,
      labourCents: labour ? time.labourCents : null,
    };
  };
  return {
    period,
    count: listed.length,
    rows: (offset = 0, limit = listed.length) => listed.slice(offset, offset + limit).map(row),
    totals: { ownCents: sums.ownCents, sharedCents: sums.sharedCents, totalCents, labourCents: labour ? sums.labourCents : null, minutes: sums.minutes },
    practiceWideCents: store.practiceWideCents,
    unallocatedCents: store.employees === 0 ? store.practiceWideCents : 0,
    employees: store.employees,
    averageCents: store.employees === 0 ? 0 : Math.round(totalCents / store.employees),
  };
}

/** Everyone's learning time in the period, in seconds (kept and followed like the rest). */
export async function learningSecondsIn(db: DB, period: Period): Promise<number> {
  return (await keptSpend(db, period)).learningSeconds;
}
