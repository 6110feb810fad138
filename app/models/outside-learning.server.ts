// Learning outside DeskCoach: conferences, workshops, webinars and courses. The cost becomes an
// expense in the matching category, split among the people who attended, so nobody enters it
// twice; the hours show on each attendee's record.
import type { DB } from "#db/connection.ts";
import type { OutsideKind } from "#db/schema.ts";
import { OUTSIDE_KINDS } from "#app/rules/outside-kinds.ts";
import { recordAudit } from "./audit.server.ts";
import { FieldError } from "./field-error.ts";
import { createExpenseIn, deleteExpenseIn } from "./spend.server.ts";
import type { Actor } from "./sessions.server.ts";

export interface OutsideInput {
  title: string;
  provider: string;
  kind: OutsideKind;
  heldOn: string;
  minutes: number;
  costCents: number;
  attendeeIds: number[];
}

/** Who the actor may log for: staff log only themselves; managers, anyone in their scope. */
async function checkAttendees(db: DB, actor: Actor, ids: number[]): Promise<number[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) throw new FieldError("attendees", "Choose who attended.");
  if (actor.role === "staff") {
    if (unique.some((id) => id !== actor.id)) throw new FieldError("attendees", "No such person.", 404);
    return unique;
  }
  let query = db.selectFrom("user").select("id").where("id", "in", unique);
  if (actor.scopeLocationId) query = query.where("location_id", "=", actor.scopeLocationId);
  if ((await query.execute()).length !== unique.length) throw new FieldError("attendees", "No such person.", 404);
  return unique;
}

export async function logOutsideLearning(db: DB, actor: Actor, input: OutsideInput, now: Date): Promise<number> {
  const attendees = await checkAttendees(db, actor, input.attendeeIds);
  const kind = OUTSIDE_KINDS.find((k) => k.id === input.kind);
  if (!kind) throw new FieldError("kind", "Choose what kind of learning it was.");
  return db.transaction().execute(async (trx) => {
    const expenseId =
      input.costCents > 0
        ? await createExpenseIn(
            trx,
            actor,
            {
              spentOn: input.heldOn,
              category: kind.category,
              vendor: input.provider,
              description: input.title,
              amountCents: input.costCents,
              shares: { mode: "equal", userIds: attendees },
            },
            now,
            "outside-learning",
          )
        : null;
    const row = await trx
      .insertInto("outside_learning")
      .values({
        title: input.title,
        provider: input.provider,
        kind: input.kind,
        held_on: input.heldOn,
        minutes: input.minutes,
        cost_cents: input.costCents,
        expense_id: expenseId,
        created_by: actor.id,
        created_at: now.toISOString(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("outside_learning_attendee").values(attendees.map((userId) => ({ outside_learning_id: row.id, user_id: userId }))).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      action: "outside_learning.log",
      subject: `outside-learning:${row.id}`,
      details: { ...input, attendeeIds: attendees, expenseId },
      at: now,
    });
    return row.id;
  });
}

export interface OutsideEntry extends Omit<OutsideInput, "attendeeIds"> {
  id: number;
  attendees: { id: number; name: string }[];
  createdBy: number;
  /** Staff remove only what they logged; a location-scoped manager only entries whose attendees are all theirs. */
  canDelete: boolean;
}

/** Entries the actor may see: their own as staff; everyone's in scope as a manager. Newest first. */
export async function listOutsideLearning(db: DB, actor: Actor, onlyUserId?: number): Promise<OutsideEntry[]> {
  let attendeeQuery = db
    .selectFrom("outside_learning_attendee")
    .innerJoin("user", "user.id", "outside_learning_attendee.user_id")
    .select(["outside_learning_attendee.outside_learning_id as entryId", "user.id", "user.name", "user.location_id"]);
  if (actor.role === "staff") attendeeQuery = attendeeQuery.where("user.id", "=", actor.id);
  else if (actor.scopeLocationId) attendeeQuery = attendeeQuery.where("user.location_id", "=", actor.scopeLocationId);
  if (onlyUserId !== undefined) attendeeQuery = attendeeQuery.where("user.id", "=", onlyUserId);
  const visible = await attendeeQuery.execute();
  const ids = [...new Set(visible.map((a) => a.entryId))];
  if (ids.length === 0) return [];
  const [entries, everyone] = await Promise.all([
    db
      .selectFrom("outside_learning")
      .select(["id", "title", "provider", "kind", "held_on", "minutes", "cost_cents", "created_by"])
      .where("id", "in", ids)
      .orderBy("held_on", "desc")
      .orderBy("id", "desc")
      .execute(),
    db
      .selectFrom("outside_learning_attendee")
      .innerJoin("user", "user.id", "outside_learning_attendee.user_id")
      .select(["outside_learning_attendee.outside_learning_id as entryId", "user.id", "user.name", "user.location_id"])
      .where("outside_learning_attendee.outside_learning_id", "in", ids)
      .orderBy("user.name")
      .execute(),
  ]);
  const mayDelete = (entryId: number, createdBy: number) => {
    if (actor.role === "staff") return createdBy === actor.id;
    // Removing an entry removes it from every attendee's record, and its spend with it.
    if (actor.scopeLocationId) return everyone.every((a) => a.entryId !== entryId || a.location_id === actor.scopeLocationId);
    return true;
  };
  return entries.map((e) => ({
    id: e.id,
    title: e.title,
    provider: e.provider,
    kind: e.kind,
    heldOn: e.held_on,
    minutes: e.minutes,
    costCents: e.cost_cents,
    createdBy: e.created_by,
    attendees: everyone.filter((a) => a.entryId === e.id).map((a) => ({ id: a.id, name: a.name })),
    canDelete: mayDelete(e.id, e.created_by),
  }));
}

/**
 * Removes an entry and the expense it created. Staff may remove only what they logged themselves;
 * a location-scoped manager only entries attended by their location's people alone.
 */
export async function deleteOutsideLearning(db: DB, actor: Actor, id: number, now: Date): Promise<void> {
  const entry = (await listOutsideLearning(db, actor)).find((e) => e.id === id);
  if (!entry?.canDelete) throw new FieldError("entry", "No such entry.", 404);
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("outside_learning").select("expense_id").where("id", "=", id).executeTakeFirstOrThrow();
    await trx.deleteFrom("outside_learning_attendee").where("outside_learning_id", "=", id).execute();
    await trx.deleteFrom("outside_learning").where("id", "=", id).execute();
    // The spend it made goes with it.
    if (row.expense_id !== null) await deleteExpenseIn(trx, actor, row.expense_id, now);
    await recordAudit(trx, { actorId: actor.id, action: "outside_learning.delete", subject: `outside-learning:${id}`, details: { entry }, at: now });
  });
}
