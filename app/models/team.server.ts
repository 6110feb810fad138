// People and locations as a manager sees them: always through the actor's scope. A person outside
// the scope does not exist for that manager (the routes answer 404).
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import { caseless, likeCaseless, lowerAll } from "#db/dialect.ts";
import type { Role, UserStatus } from "#db/schema.ts";
import { PEOPLE_PAGE_SIZE, pageWindow, type PageWindow } from "#app/rules/paging.ts";
import { issueCode } from "./access-codes.server.ts";
import { queueSetupCode } from "./mail/account-mail.server.ts";
import { applyGroupAssignments } from "./assignments.server.ts";
import { recordAudit } from "./audit.server.ts";
import { tablesVersion } from "./learning-changes.server.ts";
import { createReadCache } from "./read-cache.server.ts";
import { FieldError } from "./field-error.ts";
import { endUserSessions, type Actor } from "./sessions.server.ts";
import { normalizeEmail } from "./users.server.ts";

export interface Location {
  id: number;
  name: string;
}

export async function listLocations(db: DB, actor?: Actor): Promise<Location[]> {
  let query = db.selectFrom("location").select(["id", "name"]).orderBy("name");
  if (actor?.scopeLocationId) query = query.where("id", "=", actor.scopeLocationId);
  return query.execute();
}

export async function addLocation(db: DB, actor: Actor, name: string, now: Date): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const clash = await trx.selectFrom("location").select("id").where((eb) => eb(eb.fn("lower", ["name"]), "=", name.toLowerCase())).executeTakeFirst();
    if (clash) throw new FieldError("name", "There is already a location with that name.");
    const row = await trx.insertInto("location").values({ name }).returning("id").executeTakeFirstOrThrow();
    await recordAudit(trx, { actorId: actor.id, action: "location.add", subject: `location:${row.id}`, details: { name }, at: now });
    return row.id;
  });
}

/** A validation failure tied to a form field. */
export interface Person {
  id: number;
  name: string;
  email: string;
  role: Role;
  jobTitle: string | null;
  locationId: number | null;
  locationName: string | null;
  scopeLocationId: number | null;
  hiredOn: string | null;
  hourlyWageCents: number | null;
  status: UserStatus;
  createdAt: string;
  hasPassword: boolean;
  lastActive: string | null;
}

/** The people the actor may see: everyone, or a location-scoped manager's location. The one place that rule is applied to people. */
function usersInScope(db: DB, actor: Actor) {
  const query = db.selectFrom("user");
  return actor.scopeLocationId ? query.where("user.location_id", "=", actor.scopeLocationId) : query;
}

function peopleQuery(db: DB, actor: Actor) {
  return usersInScope(db, actor)
    .leftJoin("location", "location.id", "user.location_id")
    .select((eb) => [
      "user.id",
      "user.name",
      "user.email",
      "user.role",
      "user.job_title as jobTitle",
      "user.location_id as locationId",
      "location.name as locationName",
      "user.scope_location_id as scopeLocationId",
      "user.hired_on as hiredOn",
      "user.hourly_wage_cents as hourlyWageCents",
      "user.status",
      "user.created_at as createdAt",
      eb("user.password_hash", "is not", null).as("hasPassword"),
      eb
        .selectFrom("lesson_visit")
        .select((sub) => sub.fn.max("lesson_visit.last_seen_at").as("at"))
        .whereRef("lesson_visit.user_id", "=", "user.id")
        .as("lastVisit"),
      eb
        .selectFrom("quiz_attempt")
        .select((sub) => sub.fn.max("quiz_attempt.submitted_at").as("at"))
        .whereRef("quiz_attempt.user_id", "=", "user.id")
        .as("lastAttempt"),
    ]);
}

type PersonRow = Awaited<ReturnType<ReturnType<typeof peopleQuery>["execute"]>>[number];

function toPerson(row: PersonRow): Person {
  const times = [row.lastVisit, row.lastAttempt].filter((t): t is string => typeof t === "string").sort();
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    jobTitle: row.jobTitle,
    locationId: row.locationId,
    locationName: row.locationName,
    scopeLocationId: row.scopeLocationId,
    hiredOn: row.hiredOn,
    hourlyWageCents: row.hourlyWageCents,
    status: row.status,
    createdAt: row.createdAt,
    hasPassword: Boolean(row.hasPassword),
    lastActive: times.at(-1) ?? null,
  };
}

/**
 * How lists of people are ordered by name, wherever they are paged: letters A–Z whatever their
 * case, then by id so that two people with one name keep their places from page to page.
 */
export function byName(db: DB) {
  return [caseless(db, sql.ref("user.name")), sql.ref("user.id")] as const;
}

/**
 * A name search: the text anywhere in the person's name or email, whatever the case of its
 * letters; `%`, `_` and `\` are matched literally. SQLite's LIKE folds the case of A–Z only; a
 * search with other letters (Í, Ñ) compares both sides in lower case (`lowerAll`: on SQLite,
 * `unicode_lower`, a function of every connection, db/connection.ts), which costs a call per
 * person, so only those do.
 */
export function nameOrEmailContains(db: DB, text: string) {
  const unicode = [...text].some((ch) => ch.charCodeAt(0) > 0x7f);
  const escaped = (unicode ? text.toLowerCase() : text).replace(/[\\%_]/g, (c) => `\\${c}`);
  const pattern = `%${escaped}%`;
  const matches = (name: "user.name" | "user.email") =>
    unicode ? sql<boolean>`${lowerAll(db, sql.ref(name))} like ${pattern} escape '\\'` : likeCaseless(db, sql.ref(name), pattern);
  return sql<boolean>`(${matches("user.name")} or ${matches("user.email")})`;
}

/** Everyone the actor may see, by name. */
export async function listPeople(db: DB, actor: Actor): Promise<Person[]> {
  const rows = await peopleQuery(db, actor).orderBy("user.status").orderBy("user.name").execute();
  return rows.map(toPerson);
}

/**
 * One page of the people the actor may see, active people first, each group by name; `search`
 * keeps those whose name or email contains it. Who matches, in order, is worked out in SQL and
 * kept until a person is written (a heartbeat or a quiz leaves it be); each page then costs a
 * lookup of its own 50 people, however many the practice has.
 */
export async function peoplePage(db: DB, actor: Actor, options: { search: string | null; page: number }): Promise<{ people: Person[]; window: PageWindow }> {
  const key = JSON.stringify(["team", actor.scopeLocationId, options.search]);
  const order = await teamOrder.read(db, key, async () => {
    let matching = usersInScope(db, actor).select("user.id");
    if (options.search) matching = matching.where(nameOrEmailContains(db, options.search));
    const [name, id] = byName(db);
    return (await matching.orderBy("user.status").orderBy(name).orderBy(id).execute()).map((r) => r.id);
  });
  const window = pageWindow(order.length, options.page);
  const ids = order.slice(window.offset, window.offset + window.limit);
  if (ids.length === 0) return { people: [], window };
  // Each person's last activity is looked up for the page's people only.
  const rows = await peopleQuery(db, actor).where("user.id", "in", ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { people: ids.flatMap((id) => (byId.has(id) ? [toPerson(byId.get(id) as PersonRow)] : [])), window };
}

const pickable = createReadCache(16, (db) => tablesVersion(db, ["user", "expense", "expense_share"]));

/** Up to this many active people, a form's person picker lists them all; beyond it, a name search finds them. */
export const LIST_ALL_PEOPLE_UP_TO = 100;

export interface PeopleToPick {
  /** Whom the picker offers, by name. */
  people: { id: number; name: string }[];
  /** "all": every active person is offered; "found": only those the search found (a page at most) and those kept. */
  listed: "all" | "found";
  /** Active people in the actor's scope (and those counted with them: `spendBetween`). */
  total: number;
  search: string | null;
  /** How many active people the search found (more than are offered when above a page). */
  found: number;
}

/**
 * The people a form offers to choose from (one person for an assignment, the people an expense
 * belongs to). A practice of up to LIST_ALL_PEOPLE_UP_TO active people gets them all, as a short
 * list is quickest to choose from; a larger one gets the first page of those whose name or email
 * contains `search`, so that a group of thousands is not sent to the browser on every visit.
 * `keep` are people the form already holds (ticked, preselected, an expense's shares): they are
 * offered whatever the search, even when they have left. With `spendBetween`, people who have left
 * but hold a share of that period's spend are offered as if active.
 */
export async function peopleToPick(
  db: DB,
  actor: Actor,
  options: { search: string | null; keep?: Iterable<number>; spendBetween?: { from: string; to: string } },
): Promise<PeopleToPick> {
  const inScope = () => usersInScope(db, actor);
  const period = options.spendBetween;
  // Who is offered before `keep` is kept until people, spend or shares are written.
  const key = JSON.stringify(["pick", actor.scopeLocationId, options.search, period ?? null]);
  const listedPart = await pickable.read(db, key, async () => {
    // Those who have left count too when they hold a share of the period's spend: December's course
    // may be recorded in January for someone who left at Christmas.
    const active = () =>
      inScope().where((eb) =>
        period
          ? eb.or([
              eb("user.status", "=", "active"),
              eb("user.id", "in", eb.selectFrom("expense_share").innerJoin("expense", "expense.id", "expense_share.expense_id").select("expense_share.user_id").where("expense.spent_on", ">=", period.from).where("expense.spent_on", "<=", period.to)),
            ])
          : eb("user.status", "=", "active"),
      );
    const countOf = async (query: ReturnType<typeof active>) => Number((await query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    const total = await countOf(active());
    const [name, id] = byName(db);
    if (total <= LIST_ALL_PEOPLE_UP_TO) {
      return { listed: "all" as const, total, found: total, people: await active().select(["user.id", "user.name"]).orderBy(name).orderBy(id).execute() };
    }
    if (!options.search) return { listed: "found" as const, total, found: 0, people: [] };
    const matching = () => active().where(nameOrEmailContains(db, options.search as string));
    const found = await countOf(matching());
    return { listed: "found" as const, total, found, people: await matching().select(["user.id", "user.name"]).orderBy(name).orderBy(id).limit(PEOPLE_PAGE_SIZE).execute() };
  });
  const { listed, total, found } = listedPart;
  let offered: { id: number; name: string }[] = listedPart.people;
  const have = new Set(offered.map((p) => p.id));
  const missing = [...new Set(options.keep ?? [])].filter((id) => Number.isSafeInteger(id) && id > 0 && !have.has(id));
  if (missing.length > 0) {
    const kept = await inScope().select(["user.id", "user.name"]).where("user.id", "in", missing).execute();
    offered = [...offered, ...kept].sort((a, b) => a.name.localeCompare(b.name, "en", { sensitivity: "base" }) || a.id - b.id);
  }
  return { people: offered, listed, total, search: options.search, found };
}

const teamOrder = createReadCache(16, (db) => tablesVersion(db, ["user"]));

/** One person, or undefined when there is no such person in the actor's scope. */
export async function findPerson(db: DB, actor: Actor, id: number): Promise<Person | undefined> {
  const row = await peopleQuery(db, actor).where("user.id", "=", id).executeTakeFirst();
  return row ? toPerson(row) : undefined;
}

export async function jobTitles(db: DB, actor: Actor): Promise<string[]> {
  const rows = await usersInScope(db, actor).select("job_title").distinct().where("job_title", "is not", null).orderBy("job_title").execute();
  return rows.map((r) => r.job_title as string);
}

/** Managers change staff; only an owner changes a manager or an owner. Nobody changes themselves here. */
export function canChange(actor: Actor, person: Pick<Person, "id" | "role">): boolean {
  if (person.id === actor.id) return false;
  return actor.role === "owner" || person.role === "staff";
}

/** canChange, as a refusal (403) for the page to show. */
function checkCanChange(actor: Actor, person: Person, message = "Only the owner can change a manager or an owner."): void {
  if (!canChange(actor, person)) throw new FieldError("form", message, 403);
}

export interface PersonInput {
  name: string;
  email: string;
  jobTitle: string | null;
  locationId: number | null;
  hiredOn: string | null;
  hourlyWageCents: number | null;
  role: Role;
  scopeLocationId: number | null;
}

async function checkPlacement(db: DB, actor: Actor, input: Pick<PersonInput, "locationId" | "role" | "scopeLocationId">) {
  if (input.role !== "staff" && actor.role !== "owner") {
    throw new FieldError("role", "Only the owner can make someone a manager or an owner.", 403);
  }
  if (actor.scopeLocationId && input.locationId !== actor.scopeLocationId) {
    throw new FieldError("locationId", "You can add and move people only at your own location.");
  }
  for (const [field, id] of [["locationId", input.locationId], ["scopeLocationId", input.scopeLocationId]] as const) {
    if (id !== null && !(await db.selectFrom("location").select("id").where("id", "=", id).executeTakeFirst())) {
      throw new FieldError(field, "Choose a location from the list.");
    }
  }
}

async function emailTaken(db: DB, email: string, exceptId?: number): Promise<boolean> {
  let query = db.selectFrom("user").select("id").where("email", "=", normalizeEmail(email));
  if (exceptId !== undefined) query = query.where("id", "!=", exceptId);
  return Boolean(await query.executeTakeFirst());
}

export interface AddedPerson {
  id: number;
  name: string;
  email: string;
  code: string;
}

/** Adds people (one, or a whole CSV) in one transaction, each with a one-time setup code shown once. */
export async function addPeople(
  db: DB,
  actor: Actor,
  people: PersonInput[],
  context: { now: Date; timeZone: string; via: "form" | "csv" },
): Promise<AddedPerson[]> {
  return insertPeople(db, actor, people, context, async (trx, person) => ({
    code: await issueCode(trx, { userId: person.id, purpose: "setup", createdBy: actor.id, now: context.now }),
  }));
}

/**
 * Adds one person whose setup code goes to them by email instead of being shown: the code is made
 * as the message is sent (mail/account-mail.server.ts), so neither the manager nor the outbox sees it.
 */
export async function addPersonEmailingCode(
  db: DB,
  actor: Actor,
  person: PersonInput,
  context: { now: Date; timeZone: string; origin: string },
): Promise<{ id: number; name: string; email: string }> {
  const [added] = await insertPeople(db, actor, [person], { ...context, via: "form" }, async (trx, row) => {
    await queueSetupCode(trx, { person: row, manager: await managerOf(trx, actor), now: context.now, origin: context.origin });
    return { code: null };
  });
  if (!added) throw new Error("The person was not added");
  return { id: added.id, name: added.name, email: added.email };
}

async function managerOf(trx: DB, actor: Actor): Promise<{ id: number; name: string }> {
  const row = await trx.selectFrom("user").select(["id", "name"]).where("id", "=", actor.id).executeTakeFirstOrThrow();
  return row;
}

async function insertPeople<C extends string | null>(
  db: DB,
  actor: Actor,
  people: PersonInput[],
  context: { now: Date; timeZone: string; via: "form" | "csv" },
  giveCode: (trx: DB, person: { id: number; name: string; email: string }) => Promise<{ code: C }>,
): Promise<{ id: number; name: string; email: string; code: C }[]> {
  for (const person of people) {
    await checkPlacement(db, actor, person);
    if (await emailTaken(db, person.email)) throw new FieldError("email", `${person.email} already has an account.`);
  }
  const at = context.now.toISOString();
  return db.transaction().execute(async (trx) => {
    const added: { id: number; name: string; email: string; code: C }[] = [];
    for (const person of people) {
      const row = await trx
        .insertInto("user")
        .values({
          email: normalizeEmail(person.email),
          name: person.name,
          role: person.role,
          job_title: person.jobTitle,
          location_id: person.locationId,
          hourly_wage_cents: person.hourlyWageCents,
          hired_on: person.hiredOn,
          status: "active",
          password_hash: null,
          created_at: at,
          scope_location_id: person.role === "manager" ? person.scopeLocationId : null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await applyGroupAssignments(trx, row.id, context.now, context.timeZone);
      const { code } = await giveCode(trx, { id: row.id, name: person.name, email: normalizeEmail(person.email) });
      await recordAudit(trx, {
        actorId: actor.id,
        action: "person.add",
        subject: `user:${row.id}`,
        details: { name: person.name, role: person.role, via: context.via, ...(code === null ? { setupCode: "emailed" } : {}) },
        at: context.now,
      });
      added.push({ id: row.id, name: person.name, email: normalizeEmail(person.email), code });
    }
    return added;
  });
}

/** Changes a person's details. A role change ends their sessions at once. */
export async function updatePerson(
  db: DB,
  actor: Actor,
  person: Person,
  input: PersonInput,
  context: { now: Date; timeZone: string },
): Promise<void> {
  checkCanChange(actor, person);
  await checkPlacement(db, actor, input);
  if (await emailTaken(db, input.email, person.id)) throw new FieldError("email", `${input.email} already has an account.`);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const compare = (key: string, from: unknown, to: unknown) => {
    if (from !== to) changes[key] = { from, to };
  };
  compare("name", person.name, input.name);
  compare("email", person.email, normalizeEmail(input.email));
  compare("jobTitle", person.jobTitle, input.jobTitle);
  compare("locationId", person.locationId, input.locationId);
  compare("hiredOn", person.hiredOn, input.hiredOn);
  compare("hourlyWageCents", person.hourlyWageCents, input.hourlyWageCents);
  compare("role", person.role, input.role);
  const scope = input.role === "manager" ? input.scopeLocationId : null;
  compare("scopeLocationId", person.scopeLocationId, scope);
  if (Object.keys(changes).length === 0) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("user")
      .set({
        name: input.name,
        email: normalizeEmail(input.email),
        job_title: input.jobTitle,
        location_id: input.locationId,
        hired_on: input.hiredOn,
        hourly_wage_cents: input.hourlyWageCents,
        role: input.role,
        scope_location_id: scope,
      })
      .where("id", "=", person.id)
      .execute();
    if (changes.role || changes.scopeLocationId) await endUserSessions(trx, person.id);
    if (changes.jobTitle || changes.locationId) await applyGroupAssignments(trx, person.id, context.now, context.timeZone);
    await recordAudit(trx, {
      actorId: actor.id,
      action: changes.role ? "person.role_change" : "person.update",
      subject: `user:${person.id}`,
      details: changes,
      at: context.now,
    });
  });
}

/** Deactivating ends the person's sessions at once; reactivating gives them their group assignments. */
export async function setStatus(
  db: DB,
  actor: Actor,
  person: Person,
  status: UserStatus,
  context: { now: Date; timeZone: string },
): Promise<void> {
  checkCanChange(actor, person);
  if (person.status === status) return;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("user")
      .set({ status, deactivated_at: status === "deactivated" ? context.now.toISOString() : null })
      .where("id", "=", person.id)
      .execute();
    if (status === "deactivated") await endUserSessions(trx, person.id);
    else await applyGroupAssignments(trx, person.id, context.now, context.timeZone);
    await recordAudit(trx, {
      actorId: actor.id,
      action: status === "deactivated" ? "person.deactivate" : "person.reactivate",
      subject: `user:${person.id}`,
      at: context.now,
    });
  });
}

function checkCanIssueCode(actor: Actor, person: Person): void {
  checkCanChange(actor, person, "Only the owner can reset a manager's or an owner's password.");
  if (person.status !== "active") throw new FieldError("form", "Reactivate this person before issuing a code.");
}

/**
 * A new one-time code sent to the person by email, made as the message goes: earlier codes stop
 * working now. Returns the address it goes to.
 */
export async function emailResetCode(db: DB, actor: Actor, person: Person, context: { now: Date; origin: string }): Promise<string> {
  checkCanIssueCode(actor, person);
  await db.transaction().execute(async (trx) => {
    await queueSetupCode(trx, { person, manager: await managerOf(trx, actor), now: context.now, origin: context.origin });
    await recordAudit(trx, { actorId: actor.id, action: "person.reset_code", subject: `user:${person.id}`, details: { via: "email", to: person.email }, at: context.now });
  });
  return person.email;
}

/** A new one-time code for the person to choose a password; the manager never sees a password. */
export async function issueResetCode(db: DB, actor: Actor, person: Person, now: Date): Promise<string> {
  checkCanIssueCode(actor, person);
  return db.transaction().execute(async (trx) => {
    const code = await issueCode(trx, { userId: person.id, purpose: person.hasPassword ? "reset" : "setup", createdBy: actor.id, now });
    await recordAudit(trx, { actorId: actor.id, action: "person.reset_code", subject: `user:${person.id}`, at: now });
    return code;
  });
}
