// Assigned work and how each person is doing: the manager's matrix, one person's record, and a
// learner's own list on /learn. Everything is computed from assignments and completions on read.
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import { createReadCache, identity } from "./read-cache.server.ts";
import {
  behindScore,
  itemInfo,
  itemProgress,
  type ItemInfo,
  type ItemProgress,
} from "./assignments.server.ts";
import { isDone, type ItemState } from "#app/rules/item-states.ts";
import type { Catalog } from "./catalog.server.ts";
import { localDate } from "./clock.server.ts";
import { parseStoredAnswers, gradeQuiz } from "./quizzes.server.ts";
import type { Actor } from "./sessions.server.ts";
import { listPeople, type Person } from "./team.server.ts";

export interface Cell extends ItemProgress {
  itemKey: string;
}

interface Inputs {
  rows: { user_id: number; module_slug: string | null; lesson_slug: string | null; due_on: string; recur_months: number | null; completions_from: string | null }[];
  completions: Map<number, Map<string, string[]>>;
  activity: Map<number, Map<string, string>>;
}

async function loadInputs(db: DB, userIds: number[]): Promise<Inputs> {
  if (userIds.length === 0) return { rows: [], completions: new Map(), activity: new Map() };
  const [rows, completions, visits, attempts] = await Promise.all([
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
    // In time order, so that each person's list per lesson is sorted as it is built.
    db.selectFrom("completion").select(["user_id", "lesson_slug", "completed_at"]).where("user_id", "in", userIds).orderBy("completed_at").execute(),
    db.selectFrom("lesson_visit").select(["user_id", "lesson_slug", "last_seen_at as at"]).where("user_id", "in", userIds).execute(),
    db
      .selectFrom("quiz_attempt")
      .select(["user_id", "lesson_slug", (eb) => eb.fn.max("submitted_at").as("at")])
      .where("user_id", "in", userIds)
      .groupBy(["user_id", "lesson_slug"])
      .execute(),
  ]);
  const byUser = <T>(map: Map<number, Map<string, T>>, userId: number) => {
    let inner = map.get(userId);
    if (!inner) map.set(userId, (inner = new Map()));
    return inner;
  };
  const completionMap = new Map<number, Map<string, string[]>>();
  for (const c of completions) {
    const inner = byUser(completionMap, c.user_id);
    const list = inner.get(c.lesson_slug);
    if (list) list.push(c.completed_at);
    else inner.set(c.lesson_slug, [c.completed_at]);
  }
  const activity = new Map<number, Map<string, string>>();
  for (const a of [...visits, ...attempts]) {
    if (!a.at) continue;
    const inner = byUser(activity, a.user_id);
    const prev = inner.get(a.lesson_slug);
    if (!prev || a.at > prev) inner.set(a.lesson_slug, a.at);
  }
  return { rows, completions: completionMap, activity };
}

/**
 * Per person, per assigned item: the state. Where one item is assigned twice, the latest retake
 * counts, else the earlier due date.
 */
function computeCells(inputs: Inputs, catalog: Catalog, today: string, timeZone: string): Map<number, Map<string, Cell>> {
  const result = new Map<number, Map<string, Cell>>();
  for (const row of inputs.rows) {
    const item = itemInfo(catalog, row.module_slug ? { kind: "module", slug: row.module_slug } : { kind: "lesson", slug: row.lesson_slug ?? "" });
    if (!item) continue; // retired content
    let cells = result.get(row.user_id);
    if (!cells) result.set(row.user_id, (cells = new Map()));
    if (cells.has(item.key)) continue; // rows come ordered by due date
    const progress = itemProgress({
      lessonSlugs: item.lessonSlugs,
      completions: inputs.completions.get(row.user_id) ?? new Map(),
      lastActivity: inputs.activity.get(row.user_id) ?? new Map(),
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

interface ScopeProgress {
  people: Person[];
  cells: Map<number, Map<string, Cell>>;
}

// The states of everyone in a scope, kept until the database changes or the day turns.
const scopeCache = createReadCache(8);

function scopeProgress(db: DB, actor: Actor, catalog: Catalog, today: string, timeZone: string): Promise<ScopeProgress> {
  const key = ["scope-progress", identity(catalog), today, timeZone, actor.scopeLocationId ?? "all"].join("|");
  return scopeCache.read(db, key, async () => {
    const people = (await listPeople(db, actor)).filter((p) => p.status === "active");
    const cells = computeCells(await loadInputs(db, people.map((p) => p.id)), catalog, today, timeZone);
    return { people, cells };
  });
}

export interface MatrixFilters {
  locationId?: number | null;
  jobTitle?: string | null;
  state?: ItemState | null;
  sort?: "behind" | "name";
}

export interface MatrixRow {
  person: Pick<Person, "id" | "name" | "jobTitle" | "locationName" | "lastActive">;
  cells: Record<string, Cell | null>;
  behind: number;
  overdue: number;
  percent: number;
}

export interface Matrix {
  columns: ItemInfo[];
  rows: MatrixRow[];
}

/** Employees × assigned items for the actor's scope, filtered and sorted. */
export async function progressMatrix(
  db: DB,
  actor: Actor,
  catalog: Catalog,
  filters: MatrixFilters,
  context: { now: Date; timeZone: string },
): Promise<Matrix> {
  const today = localDate(context.now, context.timeZone);
  const everyone = await scopeProgress(db, actor, catalog, today, context.timeZone);
  const people = everyone.people.filter(
    (p) =>
      (filters.locationId == null || p.locationId === filters.locationId) &&
      (filters.jobTitle == null || p.jobTitle === filters.jobTitle),
  );
  const cells = everyone.cells;

  // Columns: every assigned item, in library order (modules first, then single lessons).
  const keys = new Set([...cells.values()].flatMap((m) => [...m.keys()]));
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

  let rows: MatrixRow[] = people
    .filter((p) => cells.has(p.id))
    .map((p) => {
      const mine = cells.get(p.id) ?? new Map<string, Cell>();
      const list = [...mine.values()];
      return {
        person: { id: p.id, name: p.name, jobTitle: p.jobTitle, locationName: p.locationName, lastActive: p.lastActive },
        cells: Object.fromEntries(columns.map((c) => [c.key, mine.get(c.key) ?? null])),
        behind: list.reduce((sum, c) => sum + behindScore(c), 0),
        overdue: list.filter((c) => c.state === "overdue").length,
        percent: list.length === 0 ? 0 : Math.round(list.reduce((sum, c) => sum + c.percent, 0) / list.length),
      };
    });
  if (filters.state) {
    const wanted = filters.state;
    rows = rows.filter((r) => Object.values(r.cells).some((c) => c?.state === wanted));
  }
  rows.sort((a, b) =>
    filters.sort === "name" ? a.person.name.localeCompare(b.person.name) : b.behind - a.behind || a.person.name.localeCompare(b.person.name),
  );
  return { columns, rows };
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
  const inputs = await loadInputs(db, [userId]);
  const cells = computeCells(inputs, catalog, localDate(context.now, context.timeZone), context.timeZone).get(userId) ?? new Map<string, Cell>();
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
