// Assignments: a module or a lesson, given to a person or a group, due on a date or N days after
// it reaches each person, optionally repeating N months after each completion. Each person an
// assignment reaches has a row with their own start and due date; states are derived from
// completions on read, so there is nothing to keep in sync.
import type { DB } from "#db/connection.ts";
import { recordAudit } from "./audit.server.ts";
import type { Catalog } from "./catalog.server.ts";
import { localDate } from "./clock.server.ts";
import { addDaysTo, addMonthsTo } from "#app/rules/dates.ts";
import { isDone, type ItemState } from "#app/rules/item-states.ts";
import { FieldError } from "./field-error.ts";
import { tablesVersion } from "./learning-changes.server.ts";
import { createReadCache } from "./read-cache.server.ts";
import type { Actor } from "./sessions.server.ts";

/** Someone joining a group after its fixed due date still gets this long. */
export const LATE_JOINER_DAYS = 14;
/** A recurring refresher shows up as a to-do this long before it falls due again. */
export const REFRESH_OPENS_DAYS = 30;

export type ItemRef = { kind: "module" | "lesson"; slug: string };
export type Target = { kind: "person"; userId: number } | { kind: "group"; jobTitle: string | null; locationId: number | null };
export type DueRule = { kind: "date"; on: string } | { kind: "days"; days: number };

export interface AssignmentInput {
  item: ItemRef;
  target: Target;
  due: DueRule;
  recurMonths: number | null;
}

export interface ItemInfo {
  key: string;
  kind: "module" | "lesson";
  slug: string;
  title: string;
  lessonSlugs: string[];
}

export function itemInfo(catalog: Catalog, item: ItemRef): ItemInfo | undefined {
  if (item.kind === "module") {
    const module = catalog.module(item.slug);
    return module && { key: `module:${module.slug}`, kind: "module", slug: module.slug, title: module.title, lessonSlugs: module.lessons.map((l) => l.slug) };
  }
  const lesson = catalog.lesson(item.slug);
  return lesson && { key: `lesson:${lesson.slug}`, kind: "lesson", slug: lesson.slug, title: lesson.title, lessonSlugs: [lesson.slug] };
}

/** The due date for a person the assignment reaches at `assignedAt`. */
export function dueFor(
  rule: { due_on: string | null; due_days: number | null; created_at: string },
  assignedAt: Date,
  timeZone: string,
): string {
  const startDay = localDate(assignedAt, timeZone);
  if (rule.due_days !== null) return addDaysTo(startDay, rule.due_days);
  const fixed = rule.due_on as string;
  // A late joiner is not overdue on day one.
  const joinedLate = assignedAt.getTime() > new Date(rule.created_at).getTime() + 60_000;
  const floor = addDaysTo(startDay, LATE_JOINER_DAYS);
  return joinedLate && fixed < floor ? floor : fixed;
}

/** Who a group reaches: active staff and managers (owners are assigned by name). */
function groupMembers(db: DB, jobTitle: string | null, locationId: number | null) {
  let query = db.selectFrom("user").select("id").where("status", "=", "active").where("role", "!=", "owner");
  if (jobTitle !== null) query = query.where("job_title", "=", jobTitle);
  if (locationId !== null) query = query.where("location_id", "=", locationId);
  return query;
}

/** Four values a row: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters a statement. */
const MEMBERS_PER_INSERT = 500;

export async function createAssignment(
  db: DB,
  actor: Actor,
  input: AssignmentInput,
  context: { catalog: Catalog; now: Date; timeZone: string },
): Promise<number> {
  const item = itemInfo(context.catalog, input.item);
  if (!item) throw new FieldError("item", "Choose a module or lesson from the list.");
  const today = localDate(context.now, context.timeZone);
  if (input.due.kind === "date" && input.due.on < today) {
    throw new FieldError("dueOn", "The due date is in the past. Choose today or a later date.");
  }

  let target = input.target;
  if (target.kind === "person") {
    const person = await db
      .selectFrom("user")
      .select(["id", "status", "location_id"])
      .where("id", "=", target.userId)
      .executeTakeFirst();
    const visible = person && (!actor.scopeLocationId || person.location_id === actor.scopeLocationId);
    if (!visible) throw new FieldError("userId", "No such person.", 404);
    if (person.status !== "active") throw new FieldError("userId", "This person is deactivated.");
  } else if (actor.scopeLocationId) {
    if (target.locationId !== null && target.locationId !== actor.scopeLocationId) {
      throw new FieldError("locationId", "No such location.", 404);
    }
    // A location-scoped manager's "everyone" is everyone at their location.
    target = { ...target, locationId: actor.scopeLocationId };
  }
  if (target.kind === "group" && target.locationId !== null) {
    const exists = await db.selectFrom("location").select("id").where("id", "=", target.locationId).executeTakeFirst();
    if (!exists) throw new FieldError("locationId", "Choose a location from the list.");
  }

  const at = context.now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("assignment")
      .values({
        module_slug: item.kind === "module" ? item.slug : null,
        lesson_slug: item.kind === "lesson" ? item.slug : null,
        target_user_id: target.kind === "person" ? target.userId : null,
        target_job_title: target.kind === "group" ? target.jobTitle : null,
        target_location_id: target.kind === "group" ? target.locationId : null,
        due_on: input.due.kind === "date" ? input.due.on : null,
        due_days: input.due.kind === "days" ? input.due.days : null,
        recur_months: input.recurMonths,
        created_by: actor.id,
        created_at: at,
      })
      .returning(["id", "due_on", "due_days", "created_at"])
      .executeTakeFirstOrThrow();
    const members =
      target.kind === "person" ? [{ id: target.userId }] : await groupMembers(trx, target.jobTitle, target.locationId).execute();
    const dueOn = dueFor(row, context.now, context.timeZone);
    // A statement per 500 people rather than per person: on PostgreSQL each statement is a round
    // trip to the server, and a group of 10,000 took seconds one by one.
    for (let i = 0; i < members.length; i += MEMBERS_PER_INSERT) {
      const batch = members.slice(i, i + MEMBERS_PER_INSERT);
      await trx.insertInto("assignment_person").values(batch.map((m) => ({ assignment_id: row.id, user_id: m.id, assigned_at: at, due_on: dueOn }))).execute();
    }
    await recordAudit(trx, {
      actorId: actor.id,
      action: "assignment.create",
      subject: target.kind === "person" ? `user:${target.userId}` : `group:${target.jobTitle ?? "any title"}@${target.locationId ?? "any location"}`,
      details: { assignmentId: row.id, item: item.key, due: input.due, recurMonths: input.recurMonths, people: members.length },
      at: context.now,
    });
    return row.id;
  });
}

/**
 * Gives a person every open group assignment that now matches them (after joining, moving, a new
 * job title or reactivation). Call inside the transaction that made the change.
 */
export async function applyGroupAssignments(db: DB, userId: number, now: Date, timeZone: string): Promise<number> {
  const user = await db.selectFrom("user").select(["job_title", "location_id", "status", "role"]).where("id", "=", userId).executeTakeFirst();
  if (!user || user.status !== "active" || user.role === "owner") return 0;
  const open = await db
    .selectFrom("assignment")
    .select(["id", "due_on", "due_days", "created_at"])
    .where("cancelled_at", "is", null)
    .where("target_user_id", "is", null)
    .where((eb) => eb.or([eb("target_job_title", "is", null), eb("target_job_title", "=", user.job_title)]))
    .where((eb) => eb.or([eb("target_location_id", "is", null), eb("target_location_id", "=", user.location_id)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("assignment_person")
            .select("assignment_person.id")
            .whereRef("assignment_person.assignment_id", "=", "assignment.id")
            .where("assignment_person.user_id", "=", userId),
        ),
      ),
    )
    .execute();
  for (const a of open) {
    await db
      .insertInto("assignment_person")
      .values({ assignment_id: a.id, user_id: userId, assigned_at: now.toISOString(), due_on: dueFor(a, now, timeZone) })
      .execute();
  }
  return open.length;
}

export async function cancelAssignment(db: DB, actor: Actor, assignmentId: number, now: Date): Promise<void> {
  const found = (await listAssignments(db, actor)).find((a) => a.id === assignmentId);
  if (!found) throw new FieldError("assignmentId", "No such assignment.", 404);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("assignment")
      .set({ cancelled_at: now.toISOString(), cancelled_by: actor.id })
      .where("id", "=", assignmentId)
      .where("cancelled_at", "is", null)
      .execute();
    await recordAudit(trx, { actorId: actor.id, action: "assignment.cancel", subject: `assignment:${assignmentId}`, at: now });
  });
}

export interface AssignmentSummary {
  id: number;
  moduleSlug: string | null;
  lessonSlug: string | null;
  targetUserId: number | null;
  targetUserName: string | null;
  targetJobTitle: string | null;
  targetLocationName: string | null;
  dueOn: string | null;
  dueDays: number | null;
  recurMonths: number | null;
  createdAt: string;
  createdByName: string;
  people: number;
}

/** Open assignments the actor may see: for a location-scoped manager, those aimed at their location or its people. */
/**
 * The open assignments the actor may see, newest first, each with how many people it reached.
 * Counting those reaches every row of assignment_person (100,000 in a group of 10,000), so the list
 * is kept until an assignment, whom it reached, a person or a location is written.
 */
export function listAssignments(db: DB, actor: Actor): Promise<AssignmentSummary[]> {
  return openAssignments.read(db, `assignments|${actor.scopeLocationId ?? ""}`, () => readAssignments(db, actor));
}

const openAssignments = createReadCache(8, (db) => tablesVersion(db, ["assignment", "assignment_person", "user", "location"]));

async function readAssignments(db: DB, actor: Actor): Promise<AssignmentSummary[]> {
  let query = db
    .selectFrom("assignment")
    .innerJoin("user as creator", "creator.id", "assignment.created_by")
    .leftJoin("user as target", "target.id", "assignment.target_user_id")
    .leftJoin("location", "location.id", "assignment.target_location_id")
    .select((eb) => [
      "assignment.id",
      "assignment.module_slug as moduleSlug",
      "assignment.lesson_slug as lessonSlug",
      "assignment.target_user_id as targetUserId",
      "target.name as targetUserName",
      "assignment.target_job_title as targetJobTitle",
      "location.name as targetLocationName",
      "assignment.due_on as dueOn",
      "assignment.due_days as dueDays",
      "assignment.recur_months as recurMonths",
      "assignment.created_at as createdAt",
      "creator.name as createdByName",
      eb
        .selectFrom("assignment_person")
        .select((sub) => sub.fn.countAll<number>().as("n"))
        .whereRef("assignment_person.assignment_id", "=", "assignment.id")
        .as("people"),
    ])
    .where("assignment.cancelled_at", "is", null)
    .orderBy("assignment.created_at", "desc");
  if (actor.scopeLocationId) {
    const scope = actor.scopeLocationId;
    query = query.where((eb) => eb.or([eb("assignment.target_location_id", "=", scope), eb("target.location_id", "=", scope)]));
  }
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, people: Number(r.people ?? 0) }));
}

// ---------------------------------------------------------------------------------------------
// States

export interface ItemProgress {
  state: ItemState;
  percent: number;
  done: number;
  total: number;
  /** The due date of the cycle shown. */
  dueOn: string;
  completedOn: string | null;
  /** For a recurring assignment that is done: when the refresher falls due. */
  nextDueOn: string | null;
}

export interface StateInput {
  lessonSlugs: string[];
  /** Completion instants per lesson (ISO, earliest first). */
  completions: Map<string, string[]>;
  /** The latest attempt or visit per lesson (ISO). */
  lastActivity: Map<string, string>;
  dueOn: string;
  recurMonths: number | null;
  /** A retake: only completions after this instant count. */
  completionsFrom?: string | null;
  today: string;
  timeZone: string;
}

/**
 * The state of one assigned item for one person. The first cycle counts any completion, even one
 * from before the assignment (unless it is a retake, which counts only those after it); each
 * refresher cycle counts only completions after the previous one.
 */
export function itemProgress(input: StateInput): ItemProgress {
  const total = input.lessonSlugs.length;
  let windowStart: string | null = input.completionsFrom ?? null;
  let dueOn = input.dueOn;
  for (let cycle = 0; cycle < 100; cycle++) {
    const firstInWindow = input.lessonSlugs.map((slug) =>
      (input.completions.get(slug) ?? []).find((t) => windowStart === null || t > windowStart),
    );
    const done = firstInWindow.filter(Boolean).length;
    if (done < total || total === 0) {
      const active = done > 0 || input.lessonSlugs.some((slug) => {
        const at = input.lastActivity.get(slug);
        return at !== undefined && (windowStart === null || at > windowStart);
      });
      const state: ItemState = input.today > dueOn ? "overdue" : active ? "in-progress" : "not-started";
      return { state, percent: total === 0 ? 0 : Math.round((100 * done) / total), done, total, dueOn, completedOn: null, nextDueOn: null };
    }
    const completedAt = (firstInWindow as string[]).sort().at(-1) as string;
    const completedOn = localDate(completedAt, input.timeZone);
    const state: ItemState = completedOn <= dueOn ? "done" : "done-late";
    if (!input.recurMonths) return { state, percent: 100, done, total, dueOn, completedOn, nextDueOn: null };
    const nextDue = addMonthsTo(completedOn, input.recurMonths);
    if (input.today < addDaysTo(nextDue, -REFRESH_OPENS_DAYS)) {
      return { state, percent: 100, done, total, dueOn, completedOn, nextDueOn: nextDue };
    }
    windowStart = completedAt;
    dueOn = nextDue;
  }
  throw new Error("Too many refresher cycles");
}

/**
 * Whether an item's state as worked out on `from` can be different on `to` with nothing else
 * written: going forward, only the day moves a state, past its due date (overdue) or into a
 * refresher's window (itemProgress above). Going back, anything may.
 */
export function dayMayChange(progress: Pick<ItemProgress, "state" | "dueOn" | "nextDueOn">, from: string, to: string): boolean {
  if (to === from) return false;
  if (to < from) return true;
  if (!isDone(progress.state)) return progress.state !== "overdue" && to > progress.dueOn;
  return progress.nextDueOn !== null && to >= addDaysTo(progress.nextDueOn, -REFRESH_OPENS_DAYS);
}

/** How far behind an item is, for sorting: overdue counts most, then what is left to do. */
export function behindScore(progress: Pick<ItemProgress, "state" | "percent">): number {
  const left = 1 - progress.percent / 100;
  return progress.state === "overdue" ? 2 + left : isDone(progress.state) ? 0 : left;
}

/**
 * Whether the lesson is assigned to the person (by itself or through its module) and not
 * cancelled: what a phone keeps for reading offline (public/sw.js).
 */
export async function isLessonAssignedTo(db: DB, userId: number, lesson: { slug: string; moduleSlug: string }): Promise<boolean> {
  const row = await db
    .selectFrom("assignment_person as ap")
    .innerJoin("assignment as a", "a.id", "ap.assignment_id")
    .select("ap.id")
    .where("ap.user_id", "=", userId)
    .where("a.cancelled_at", "is", null)
    .where((eb) => eb.or([eb("a.lesson_slug", "=", lesson.slug), eb("a.module_slug", "=", lesson.moduleSlug)]))
    .executeTakeFirst();
  return row !== undefined;
}
