// Assigned work and how each person is doing: the manager's matrix, one person's record, and a
// learner's own list on /learn. Everything is computed from assignments and completions on read;
// what the matrix sorts and filters on (each person's standing) is kept, and after a write worked
// out again only for the people the write touched (docs/decisions/0015-a-practice-of-10000.md).
import { yieldToRequests } from "./yield.server.ts";
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import { createReadCache, identity } from "./read-cache.server.ts";
import {
  behindScore,
  dayMayChange,
  itemInfo,
  itemProgress,
  type ItemInfo,
  type ItemProgress,
} from "./assignments.server.ts";
import { isDone, ITEM_STATES, STATE_LABELS, type ItemState } from "#app/rules/item-states.ts";
import { pageWindow, type PageWindow } from "#app/rules/paging.ts";
import type { Catalog } from "./catalog.server.ts";
import { localDate } from "./clock.server.ts";
import { parseStoredAnswers, gradeQuiz } from "./quizzes.server.ts";
import type { Actor } from "./sessions.server.ts";
import { latestLearningChange, learningChangesSince, tablesVersion } from "./learning-changes.server.ts";
import { byName, nameOrEmailContains } from "./team.server.ts";

export interface Cell extends ItemProgress {
  itemKey: string;
}

interface Inputs {
  rows: { user_id: number; module_slug: string | null; lesson_slug: string | null; due_on: string; recur_months: number | null; completions_from: string | null }[];
  completions: Map<number, Map<string, string[]>>;
}

/** Per person, per lesson: when they last opened it or tried its quiz. */
type Activity = Map<number, Map<string, string>>;

const byUser = <T>(map: Map<number, Map<string, T>>, userId: number) => {
  let inner = map.get(userId);
  if (!inner) map.set(userId, (inner = new Map()));
  return inner;
};

async function loadInputs(db: DB, userIds: number[]): Promise<Inputs> {
  if (userIds.length === 0) return { rows: [], completions: new Map() };
  const [rows, completions] = await Promise.all([
    db
      .selectFrom("assignment_person")
      .innerJoin("assignment", "assignment.id", "assignment_person.assignment_id")
      .select(["assignment_person.user_id", "assignment.module_slug", "assignment.lesson_slug", "assignment_person.due_on", "assignment.recur_months", "assignment.completions_from"])
      .where("assignment.cancelled_at", "is", null)
      .where("assignment_person.user_id", "in", userIds)
      // A retake (a new version to take again) comes before the assignment it re-opens.
      .orderBy(sql`assignment.completions_from is null`)
      .orderBy("assignment.completions_from", "desc")
      .orderBy("assignment_person.due_on")
      .execute(),
    // In the index's order (person, lesson, time), so that each list per lesson is sorted as it
    // is built, with no sort.
    db
      .selectFrom("completion")
      .select(["user_id", "lesson_slug", "completed_at"])
      .where("user_id", "in", userIds)
      .orderBy("user_id")
      .orderBy("lesson_slug")
      .orderBy("completed_at")
      .execute(),
  ]);
  const completionMap = new Map<number, Map<string, string[]>>();
  for (const c of completions) {
    const inner = byUser(completionMap, c.user_id);
    const list = inner.get(c.lesson_slug);
    if (list) list.push(c.completed_at);
    else inner.set(c.lesson_slug, [c.completed_at]);
  }
  return { rows, completions: completionMap };
}

async function loadActivity(db: DB, userIds: number[]): Promise<Activity> {
  const [visits, attempts] = await Promise.all([
    db.selectFrom("lesson_visit").select(["user_id", "lesson_slug", "last_seen_at as at"]).where("user_id", "in", userIds).execute(),
    db
      .selectFrom("quiz_attempt")
      .select(["user_id", "lesson_slug", (eb) => eb.fn.max("submitted_at").as("at")])
      .where("user_id", "in", userIds)
      .groupBy(["user_id", "lesson_slug"])
      .execute(),
  ]);
  const activity: Activity = new Map();
  for (const a of [...visits, ...attempts]) {
    if (!a.at) continue;
    const inner = byUser(activity, a.user_id);
    const prev = inner.get(a.lesson_slug);
    if (!prev || a.at > prev) inner.set(a.lesson_slug, a.at);
  }
  return activity;
}

/**
 * The given people's inputs and cells. What they have opened or tried only tells an item not
 * started from one in progress (before its due date, with none of it done), so it is read only
 * for the people with an item that is otherwise not started: in the bench's practice of 10,000,
 * 238 people, where reading everyone's was a third of the standings' time.
 */
async function cellsFor(db: DB, userIds: number[], catalog: Catalog, today: string, timeZone: string): Promise<{ inputs: Inputs; cells: Map<number, Map<string, Cell>> }> {
  const inputs = await loadInputs(db, userIds);
  const cells = computeCells(inputs, new Map(), catalog, today, timeZone);
  const unsure = new Set<number>();
  for (const [userId, mine] of cells) {
    for (const cell of mine.values()) {
      if (cell.state === "not-started") {
        unsure.add(userId);
        break;
      }
    }
  }
  if (unsure.size > 0) {
    const activity = await loadActivity(db, [...unsure]);
    const again = computeCells({ ...inputs, rows: inputs.rows.filter((r) => unsure.has(r.user_id)) }, activity, catalog, today, timeZone);
    for (const [userId, mine] of again) cells.set(userId, mine);
  }
  return { inputs, cells };
}

/**
 * Per person, per assigned item: the state. Where one item is assigned twice, the latest retake
 * counts, else the earlier due date.
 */
function computeCells(inputs: Inputs, activity: Activity, catalog: Catalog, today: string, timeZone: string): Map<number, Map<string, Cell>> {
  const result = new Map<number, Map<string, Cell>>();
  const items = new Map<string, ItemInfo | undefined>();
  for (const row of inputs.rows) {
    const ref = row.module_slug ? ({ kind: "module", slug: row.module_slug } as const) : ({ kind: "lesson", slug: row.lesson_slug ?? "" } as const);
    const refKey = `${ref.kind}:${ref.slug}`;
    if (!items.has(refKey)) items.set(refKey, itemInfo(catalog, ref));
    const item = items.get(refKey);
    if (!item) continue; // retired content
    let cells = result.get(row.user_id);
    if (!cells) result.set(row.user_id, (cells = new Map()));
    if (cells.has(item.key)) continue; // rows come ordered by due date
    const progress = itemProgress({
      lessonSlugs: item.lessonSlugs,
      completions: inputs.completions.get(row.user_id) ?? new Map(),
      lastActivity: activity.get(row.user_id) ?? new Map(),
      dueOn: row.due_on,
      recurMonths: row.recur_months,
      completionsFrom: row.completions_from,
      today,
      timeZone,
    });
    cells.set(item.key, { ...progress, itemKey: item.key });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Standing: what the matrix sorts and filters on, kept for everyone

/** What the matrix and its export show of an assigned item. */
export type KeptCell = Pick<Cell, "itemKey" | "state" | "percent" | "dueOn" | "completedOn" | "nextDueOn">;

/**
 * One person's assigned items, and what they add up to: all the matrix shows, sorts and filters on.
 * The items are kept packed, CELL_FIELDS whole numbers each in one array (`cellsOf` unpacks them):
 * 100,000 cells as objects, with copies of their finished dates beside them, held about 11 MB at
 * 10,000 people, and the server's heap is let grow to a few times what it holds before it collects.
 */
export interface Standing {
  packed: Int32Array;
  /** Furthest behind first: the sum of behindScore over their items. */
  behind: number;
  overdue: number;
  percent: number;
  /** One bit per ItemState (by its index in ITEM_STATES) that any of their items is in. */
  states: number;
}

const stateBit = (state: ItemState) => 1 << ITEM_STATES.indexOf(state);

// Item keys and dates stand in a packed cell as numbers: a practice has a few dozen items and a
// few thousand dates, however many people it has.
const texts: string[] = [];
const textNumbers = new Map<string, number>();
function numberOf(text: string | null): number {
  if (text === null) return -1;
  let n = textNumbers.get(text);
  if (n === undefined) {
    n = texts.length;
    texts.push(text);
    textNumbers.set(text, n);
  }
  return n;
}
const textOf = (n: number | undefined): string | null => (n === undefined || n < 0 ? null : (texts[n] ?? null));

/** itemKey, state × 128 + percent, dueOn, completedOn, nextDueOn. */
const CELL_FIELDS = 5;
const DONE = ITEM_STATES.indexOf("done");
const DONE_LATE = ITEM_STATES.indexOf("done-late");

/** A person's kept cells, unpacked. */
export function cellsOf(standing: Standing): KeptCell[] {
  const { packed } = standing;
  const cells: KeptCell[] = [];
  for (let o = 0; o < packed.length; o += CELL_FIELDS) {
    const stateAndPercent = packed[o + 1] ?? 0;
    cells.push({
      itemKey: textOf(packed[o]) ?? "",
      state: ITEM_STATES[stateAndPercent >> 7] ?? "not-started",
      percent: stateAndPercent & 127,
      dueOn: textOf(packed[o + 2]) ?? "",
      completedOn: textOf(packed[o + 3]),
      nextDueOn: textOf(packed[o + 4]),
    });
  }
  return cells;
}

/** The one place a person's row figures come from, for a page, an export or a sort. */
function standingOf(cells: Map<string, Cell>): Standing {
  const packed = new Int32Array(cells.size * CELL_FIELDS);
  const standing: Standing = { packed, behind: 0, overdue: 0, percent: 0, states: 0 };
  let percents = 0;
  let o = 0;
  for (const c of cells.values()) {
    // Percent is a whole number from 0 to 100 (itemProgress): seven bits.
    packed[o] = numberOf(c.itemKey);
    packed[o + 1] = ITEM_STATES.indexOf(c.state) * 128 + c.percent;
    packed[o + 2] = numberOf(c.dueOn);
    packed[o + 3] = numberOf(c.completedOn);
    packed[o + 4] = numberOf(c.nextDueOn);
    o += CELL_FIELDS;
    standing.behind += behindScore(c);
    if (c.state === "overdue") standing.overdue++;
    standing.states |= stateBit(c.state);
    percents += c.percent;
  }
  standing.percent = cells.size === 0 ? 0 : Math.round(percents / cells.size);
  return standing;
}

/** Of a person's items finished within the period: how many on time, how many late. */
function finishedWithin(standing: Standing, period: { start: string; end: string }): { onTime: number; late: number } {
  const { packed } = standing;
  let onTime = 0;
  let late = 0;
  for (let o = 0; o < packed.length; o += CELL_FIELDS) {
    const state = (packed[o + 1] ?? 0) >> 7;
    if (state !== DONE && state !== DONE_LATE) continue;
    const on = textOf(packed[o + 3]);
    if (on === null || on < period.start || on > period.end) continue;
    if (state === DONE) onTime++;
    else late++;
  }
  return { onTime, late };
}

interface StandingStore {
  key: string;
  /** The practice's day the cells were worked out for. */
  today: string;
  /** The learning-change log's sequence number this store reflects. */
  seq: number;
  byUser: Map<number, Standing>;
}

/**
 * People whose cells are worked out together. Small batches keep what is read from one step to
 * the next small, so little of it outlives a young-generation collection: at 10,000 people, 100
 * at a time grew the process by 86 MB and took 3.5 s, 500 at a time 143 MB and 4.2 s.
 */
const WORK_BATCH = 100;
/** People per batch of an export. */
const BATCH = 500;
/** Past this many changed people since the last look, working everyone out afresh is as quick. */
const REBUILD_AFTER = 2_000;

const stores = new WeakMap<object, Promise<StandingStore>>();

async function buildStore(db: DB, catalog: Catalog, today: string, timeZone: string, key: string): Promise<StandingStore> {
  // Read the log first: a write while the practice is being read is then seen again next time.
  const seq = await latestLearningChange(db);
  const ids = (await db.selectFrom("assignment_person").select("user_id").distinct().execute()).map((r) => r.user_id);
  const byUser = new Map<number, Standing>();
  for (let i = 0; i < ids.length; i += WORK_BATCH) {
    if (i > 0) await yieldToRequests();
    const { cells } = await cellsFor(db, ids.slice(i, i + WORK_BATCH), catalog, today, timeZone);
    for (const [userId, mine] of cells) if (mine.size > 0) byUser.set(userId, standingOf(mine));
  }
  return { key, today, seq, byUser };
}

/** Works out again the given people's cells and standing, in place. */
async function refresh(db: DB, catalog: Catalog, store: StandingStore, userIds: number[], timeZone: string): Promise<void> {
  for (let i = 0; i < userIds.length; i += WORK_BATCH) {
    if (i > 0) await yieldToRequests();
    const batch = userIds.slice(i, i + WORK_BATCH);
    const { cells } = await cellsFor(db, batch, catalog, store.today, timeZone);
    for (const userId of batch) {
      const mine = cells.get(userId);
      if (mine && mine.size > 0) store.byUser.set(userId, standingOf(mine));
      else store.byUser.delete(userId);
    }
  }
}

/**
 * Everyone's standing (whoever has anything assigned, whatever their status), as of now. Worked
 * out for the whole practice once per library (and time zone); after that, a write makes only
 * the people it touched be worked out again (app/models/learning-changes.server.ts), and a new
 * day only those with an item the day can move (dayMayChange), so a page after a write costs
 * about the same in a practice of 200 as of 10,000. Calls are taken one after another.
 */
export function standings(db: DB, catalog: Catalog, context: { now: Date; timeZone: string }): Promise<Map<number, Standing>> {
  const today = localDate(context.now, context.timeZone);
  const key = [identity(catalog), context.timeZone].join("|");
  const previous = stores.get(db);
  const next = (async (): Promise<StandingStore> => {
    const store = previous ? await previous.catch(() => null) : null;
    if (!store || store.key !== key || today < store.today) return buildStore(db, catalog, today, context.timeZone, key);
    const changes = await learningChangesSince(db, store.seq);
    const changed = new Set(changes.userIds);
    if (today !== store.today) {
      for (const [userId, standing] of store.byUser) {
        for (const cell of cellsOf(standing)) {
          if (dayMayChange(cell, store.today, today)) {
            changed.add(userId);
            break;
          }
        }
      }
      store.today = today;
    }
    if (changed.size > REBUILD_AFTER) return buildStore(db, catalog, today, context.timeZone, key);
    await refresh(db, catalog, store, [...changed], context.timeZone);
    store.seq = changes.seq;
    return store;
  })();
  stores.set(db, next);
  return next.then((s) => s.byUser);
}

// ---------------------------------------------------------------------------------------------
// The manager's matrix: a page of people × assigned items

export interface MatrixFilters {
  locationId?: number | null;
  jobTitle?: string | null;
  state?: ItemState | null;
  sort?: "behind" | "name";
  /** A name search (see nameOrEmailContains). */
  q?: string | null;
}

export interface MatrixRow extends Pick<Standing, "behind" | "overdue" | "percent"> {
  person: { id: number; name: string; jobTitle: string | null; locationName: string | null };
  cells: Record<string, KeptCell | null>;
}

export interface MatrixPage {
  columns: ItemInfo[];
  rows: MatrixRow[];
  window: PageWindow;
}

// Who is in the matrix for a set of filters, by name, and its columns: kept until a person or an
// assignment is written (a heartbeat, a quiz or an expense leaves them be).
const peopleByName = createReadCache(24, (db) => tablesVersion(db, ["user", "assignment", "assignment_person"]));

/**
 * Who is in the matrix: active people in the actor's scope with an open assignment, narrowed by
 * the filters that are columns of the person (location, job title, the name search).
 */
function matrixPeople(db: DB, actor: Actor, filters: MatrixFilters) {
  let query = db
    .selectFrom("user")
    .where("user.status", "=", "active")
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("assignment_person")
          .innerJoin("assignment", "assignment.id", "assignment_person.assignment_id")
          .select("assignment_person.id")
          .whereRef("assignment_person.user_id", "=", "user.id")
          .where("assignment.cancelled_at", "is", null),
      ),
    );
  if (actor.scopeLocationId) query = query.where("user.location_id", "=", actor.scopeLocationId);
  if (filters.locationId != null) query = query.where("user.location_id", "=", filters.locationId);
  if (filters.jobTitle != null) query = query.where("user.job_title", "=", filters.jobTitle);
  if (filters.q) query = query.where(nameOrEmailContains(db, filters.q));
  return query;
}

/** Every item assigned to someone active in the actor's scope, in library order (modules first, then single lessons). */
function matrixColumns(db: DB, actor: Actor, catalog: Catalog): Promise<ItemInfo[]> {
  return peopleByName.read(db, `columns|${identity(catalog)}|${actor.scopeLocationId ?? "all"}`, () => assignedColumns(db, actor, catalog));
}

async function assignedColumns(db: DB, actor: Actor, catalog: Catalog): Promise<ItemInfo[]> {
  const assigned = await db
    .selectFrom("assignment")
    .select(["assignment.module_slug", "assignment.lesson_slug"])
    .distinct()
    .where("assignment.cancelled_at", "is", null)
    .where((eb) => {
      let reached = eb
        .selectFrom("assignment_person")
        .innerJoin("user", "user.id", "assignment_person.user_id")
        .select("assignment_person.id")
        .whereRef("assignment_person.assignment_id", "=", "assignment.id")
        .where("user.status", "=", "active");
      if (actor.scopeLocationId) reached = reached.where("user.location_id", "=", actor.scopeLocationId);
      return eb.exists(reached);
    })
    .execute();
  const keys = new Set(assigned.map((a) => (a.module_slug ? `module:${a.module_slug}` : `lesson:${a.lesson_slug}`)));
  const columns: ItemInfo[] = [];
  for (const m of catalog.modules) {
    const moduleItem = itemInfo(catalog, { kind: "module", slug: m.slug });
    if (moduleItem && keys.has(moduleItem.key)) columns.push(moduleItem);
  }
  for (const m of catalog.modules) {
    for (const l of m.lessons) {
      const lessonItem = itemInfo(catalog, { kind: "lesson", slug: l.slug });
      if (lessonItem && keys.has(lessonItem.key)) columns.push(lessonItem);
    }
  }
  return columns;
}


function matrixIdsByName(db: DB, actor: Actor, filters: MatrixFilters): Promise<number[]> {
  const key = JSON.stringify(["matrix-people", actor.scopeLocationId, filters.locationId ?? null, filters.jobTitle ?? null, filters.q ?? null]);
  return peopleByName.read(db, key, async () =>
    (await matrixPeople(db, actor, filters).select("user.id").orderBy(byName(db)[0]).orderBy(byName(db)[1]).execute()).map((r) => r.id),
  );
}

/**
 * Everyone in the matrix, in the matrix's order: furthest behind first (then by name), or by
 * name. Ids only: filtered and ordered by name in SQL, then sorted by the kept standings.
 */
async function matrixOrder(db: DB, actor: Actor, catalog: Catalog, filters: MatrixFilters, context: { now: Date; timeZone: string }): Promise<number[]> {
  const byName = await matrixIdsByName(db, actor, filters);
  if (filters.sort === "name" && !filters.state) return byName;
  const standing = await standings(db, catalog, context);
  let list = byName.map((id) => ({ id, standing: standing.get(id) }));
  if (filters.state) {
    const bit = stateBit(filters.state);
    list = list.filter((p) => ((p.standing?.states ?? 0) & bit) !== 0);
  }
  // Array#sort is stable: people equally far behind stay in name order.
  if (filters.sort !== "name") list.sort((a, b) => (b.standing?.behind ?? 0) - (a.standing?.behind ?? 0));
  return list.map((p) => p.id);
}

/** The rows of the given people, in that order, from their kept standings. */
async function matrixRows(db: DB, ids: number[], columns: ItemInfo[], standing: Map<number, Standing>): Promise<MatrixRow[]> {
  if (ids.length === 0) return [];
  const people = await db
    .selectFrom("user")
    .leftJoin("location", "location.id", "user.location_id")
    .select(["user.id", "user.name", "user.job_title as jobTitle", "location.name as locationName"])
    .where("user.id", "in", ids)
    .execute();
  const byId = new Map(people.map((p) => [p.id, p]));
  return ids.flatMap((id) => {
    const person = byId.get(id);
    if (!person) return [];
    const mine = standing.get(id) ?? standingOf(new Map());
    const kept = cellsOf(mine);
    const cells = Object.fromEntries(columns.map((c) => [c.key, kept.find((cell) => cell.itemKey === c.key) ?? null]));
    return [{ person, cells, behind: mine.behind, overdue: mine.overdue, percent: mine.percent }];
  });
}

/**
 * One page of the matrix (PEOPLE_PAGE_SIZE people) for the actor's scope, filtered and sorted; a
 * page past the end is the last page. The count and the page are cut from the ordered ids; the
 * page's 50 rows come from the kept standings.
 */
export async function progressPage(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  filters: MatrixFilters,
  requestedPage: number,
  context: { now: Date; timeZone: string },
): Promise<MatrixPage> {
  const [columns, order, standing] = await Promise.all([matrixColumns(db, actor, catalog), matrixOrder(db, actor, catalog, filters, context), standings(db, catalog, context)]);
  const window = pageWindow(order.length, requestedPage);
  return { columns, rows: await matrixRows(db, order.slice(window.offset, window.offset + window.limit), columns, standing), window };
}

/**
 * Every row of the matrix (all pages), BATCH people at a time, for an export: the order is read
 * once (ids only), and each batch's cells are worked out as it is asked for.
 */
async function* progressBatches(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  filters: MatrixFilters,
  context: { now: Date; timeZone: string },
): AsyncGenerator<{ columns: ItemInfo[]; rows: MatrixRow[] }> {
  const [columns, order, standing] = await Promise.all([matrixColumns(db, actor, catalog), matrixOrder(db, actor, catalog, filters, context), standings(db, catalog, context)]);
  for (let i = 0; i < order.length; i += BATCH) {
    yield { columns, rows: await matrixRows(db, order.slice(i, i + BATCH), columns, standing) };
  }
}

/** The matrix's export rows (all pages), a batch of people at a time: one row per person and assigned item. */
export async function* progressCsvRows(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  filters: MatrixFilters,
  context: { now: Date; timeZone: string },
): AsyncGenerator<(string | number | null)[][]> {
  for await (const { columns, rows } of progressBatches(db, actor, catalog, filters, context)) {
    yield rows.flatMap((r) =>
      columns.flatMap((c) => {
        const cell = r.cells[c.key];
        return cell ? [[r.person.name, r.person.jobTitle, r.person.locationName, c.title, STATE_LABELS[cell.state], cell.percent, cell.dueOn, cell.completedOn]] : [];
      }),
    );
  }
}

/** Active people in the actor's scope who have a standing (anything assigned). */
async function scopeStandings(db: DB, actor: Actor, catalog: Catalog, context: { now: Date; timeZone: string }): Promise<Standing[]> {
  return [...(await scopeStandingsById(db, actor, catalog, context)).values()];
}

/** The same, by person. */
async function scopeStandingsById(db: DB, actor: Actor, catalog: Catalog, context: { now: Date; timeZone: string }): Promise<Map<number, Standing>> {
  const [ids, standing] = await Promise.all([
    activeInScope.read(db, `active|${actor.scopeLocationId ?? "all"}`, async () => {
      let people = db.selectFrom("user").select("user.id").where("user.status", "=", "active");
      if (actor.scopeLocationId) people = people.where("user.location_id", "=", actor.scopeLocationId);
      return (await people.execute()).map((p) => p.id);
    }),
    standings(db, catalog, context),
  ]);
  const found = new Map<number, Standing>();
  for (const id of ids) {
    const s = standing.get(id);
    if (s) found.set(id, s);
  }
  return found;
}

// Who is active in a scope, kept until a person is written.
const activeInScope = createReadCache(8, (db) => tablesVersion(db, ["user"]));

/** Assigned items finished within a period by people in the actor's scope: on time, and late. */
export async function finishedInPeriod(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  period: { start: string; end: string },
  context: { now: Date; timeZone: string },
): Promise<{ onTime: number; late: number }> {
  let onTime = 0;
  let late = 0;
  for (const standing of await scopeStandings(db, actor, catalog, context)) {
    const finished = finishedWithin(standing, period);
    onTime += finished.onTime;
    late += finished.late;
  }
  return { onTime, late };
}

/**
 * The completion percentage on the outcomes' time axis: for each month, of the assigned items due
 * by its last day (people in the actor's scope), how many were done by that day. Read from the
 * kept standings, each item as it stands today (its current cycle; deactivated people's items
 * left out), so a month long past is what today's records say about it.
 */
export async function doneByMonthEnd(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  months: string[],
  context: { now: Date; timeZone: string },
): Promise<{ month: string; due: number; done: number }[]> {
  // YYYY-MM-31 sorts after every day of the month and before the next month's first.
  const ends = months.map((m) => `${m}-31`);
  const due = ends.map(() => 0);
  const done = ends.map(() => 0);
  for (const standing of await scopeStandings(db, actor, catalog, context)) {
    const { packed } = standing;
    for (let o = 0; o < packed.length; o += CELL_FIELDS) {
      const dueOn = textOf(packed[o + 2]);
      if (dueOn === null) continue;
      const state = (packed[o + 1] ?? 0) >> 7;
      const completedOn = state === DONE || state === DONE_LATE ? textOf(packed[o + 3]) : null;
      ends.forEach((end, i) => {
        if (dueOn > end) return;
        due[i]!++;
        if (completedOn !== null && completedOn <= end) done[i]!++;
      });
    }
  }
  return months.map((month, i) => ({ month, due: due[i]!, done: done[i]! }));
}

export interface FinishedByPerson {
  name: string;
  items: { title: string; completedOn: string; late: boolean }[];
}

/**
 * Who in the actor's scope finished which assigned items within a period, by name: the first
 * `top` people, and how many people finished anything in all.
 */
export async function finishedInPeriodBy(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  period: { start: string; end: string },
  context: { now: Date; timeZone: string },
  top = 20,
): Promise<{ people: FinishedByPerson[]; peopleCount: number }> {
  const finished = new Map<number, FinishedByPerson["items"]>();
  for (const [id, standing] of await scopeStandingsById(db, actor, catalog, context)) {
    const items: FinishedByPerson["items"] = [];
    for (const cell of cellsOf(standing)) {
      if (!isDone(cell.state) || cell.completedOn === null || cell.completedOn < period.start || cell.completedOn > period.end) continue;
      const [kind, slug] = cell.itemKey.split(":") as ["module" | "lesson", string];
      const info = itemInfo(catalog, { kind, slug });
      if (info) items.push({ title: info.title, completedOn: cell.completedOn, late: cell.state === "done-late" });
    }
    if (items.length > 0) finished.set(id, items.sort((a, b) => a.completedOn.localeCompare(b.completedOn) || a.title.localeCompare(b.title)));
  }
  if (finished.size === 0) return { people: [], peopleCount: 0 };
  const ids = [...finished.keys()];
  const named: { id: number; name: string }[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    named.push(...(await db.selectFrom("user").select(["id", "name"]).where("id", "in", ids.slice(i, i + BATCH)).execute()));
  }
  named.sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  return { people: named.slice(0, top).map((p) => ({ name: p.name, items: finished.get(p.id) ?? [] })), peopleCount: named.length };
}

/** Overdue items in the actor's scope, and the `top` people furthest behind among those with any (the matrix's order). */
export async function overdueNow(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  context: { now: Date; timeZone: string },
  top = 5,
): Promise<{ overdue: number; behind: { name: string; overdue: number }[] }> {
  const [everyone, order, standing] = await Promise.all([
    scopeStandings(db, actor, catalog, context),
    matrixOrder(db, actor, catalog, { state: "overdue" }, context),
    standings(db, catalog, context),
  ]);
  const first = order.slice(0, top);
  const names = new Map(first.length === 0 ? [] : (await db.selectFrom("user").select(["id", "name"]).where("id", "in", first).execute()).map((u) => [u.id, u.name]));
  return {
    overdue: everyone.reduce((sum, s) => sum + s.overdue, 0),
    behind: first.map((id) => ({ name: names.get(id) ?? "", overdue: standing.get(id)?.overdue ?? 0 })),
  };
}

export interface AssignedItem extends Cell {
  kind: "module" | "lesson";
  slug: string;
  title: string;
  /** The first lesson not yet done, to start from. */
  nextLessonSlug: string | null;
}

/** One person's assigned items: overdue first, then by due date; done ones last. */
export async function assignedItems(
  db: DB,
  userId: number,
  catalog: Catalog,
  context: { now: Date; timeZone: string },
): Promise<AssignedItem[]> {
  const { inputs, cells: everyone } = await cellsFor(db, [userId], catalog, localDate(context.now, context.timeZone), context.timeZone);
  const cells = everyone.get(userId) ?? new Map<string, Cell>();
  const done = inputs.completions.get(userId) ?? new Map<string, string[]>();
  const items: AssignedItem[] = [];
  for (const cell of cells.values()) {
    const [kind, slug] = cell.itemKey.split(":") as ["module" | "lesson", string];
    const info = itemInfo(catalog, { kind, slug });
    if (!info) continue;
    items.push({
      ...cell,
      kind,
      slug,
      title: info.title,
      nextLessonSlug: info.lessonSlugs.find((s) => !done.has(s)) ?? info.lessonSlugs[0] ?? null,
    });
  }
  const rank = (s: ItemState) => (s === "overdue" ? 0 : isDone(s) ? 2 : 1);
  return items.sort((a, b) => rank(a.state) - rank(b.state) || a.dueOn.localeCompare(b.dueOn) || a.title.localeCompare(b.title));
}

export interface MissedQuestion {
  lessonSlug: string;
  lessonTitle: string;
  questionId: string;
  prompt: string;
  missed: number;
  answered: number;
}

/** The questions a person gets wrong most often, across all their attempts. */
export async function mostMissedQuestions(db: DB, userId: number, catalog: Catalog, limit = 5): Promise<MissedQuestion[]> {
  const attempts = await db.selectFrom("quiz_attempt").select(["lesson_slug", "answers"]).where("user_id", "=", userId).execute();
  const tally = new Map<string, MissedQuestion>();
  for (const attempt of attempts) {
    const lesson = catalog.lesson(attempt.lesson_slug);
    if (!lesson?.quiz) continue;
    const answers = parseStoredAnswers(attempt.answers);
    for (const q of gradeQuiz(lesson.quiz, answers).questions) {
      if (!(q.id in answers)) continue; // the question was added after this attempt
      const key = `${lesson.slug}:${q.id}`;
      const entry = tally.get(key) ?? { lessonSlug: lesson.slug, lessonTitle: lesson.title, questionId: q.id, prompt: q.prompt, missed: 0, answered: 0 };
      entry.answered++;
      if (!q.correct) entry.missed++;
      tally.set(key, entry);
    }
  }
  return [...tally.values()]
    .filter((m) => m.missed > 0)
    .sort((a, b) => b.missed - a.missed || b.missed / b.answered - a.missed / a.answered)
    .slice(0, limit);
}
