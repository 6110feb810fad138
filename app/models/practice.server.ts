// The practice itself and its one-time setup.
import type { DB } from "#db/connection.ts";
import type { Practice, Role } from "#db/schema.ts";
import { recordAudit } from "./audit.server.ts";
import { hashPassword } from "./passwords.server.ts";
import { normalizeEmail } from "./users.server.ts";

export async function getPractice(db: DB): Promise<Practice | undefined> {
  return db
    .selectFrom("practice")
    .select([
      "id",
      "name",
      "time_zone",
      "fiscal_year_start_month",
      "created_at",
      "labour_cost_enabled",
      "managers_record_spend",
      "managers_see_costs",
    ])
    .executeTakeFirst();
}

/** What a person may do with training money. */
export interface MoneyAccess {
  /** The reports, the budget and the planner. */
  seeCosts: boolean;
  /** Recording, editing and importing spend. */
  recordSpend: boolean;
}

/**
 * The one rule for training money: the owner may do everything; a manager what the owner granted
 * in Settings; staff nothing. The money pages' guard and both layouts' links all ask this.
 */
export async function moneyAccess(db: DB, role: Role): Promise<MoneyAccess> {
  if (role === "owner") return { seeCosts: true, recordSpend: true };
  if (role !== "manager") return { seeCosts: false, recordSpend: false };
  const practice = await getPractice(db);
  return { seeCosts: practice?.managers_see_costs === 1, recordSpend: practice?.managers_record_spend === 1 };
}

/** Setup is open only while there is neither a practice nor any account. */
export async function isSetupOpen(db: DB): Promise<boolean> {
  const practice = await db.selectFrom("practice").select("id").executeTakeFirst();
  const user = await db.selectFrom("user").select("id").limit(1).executeTakeFirst();
  return !practice && !user;
}

export interface SetupInput {
  practiceName: string;
  timeZone: string;
  fiscalYearStartMonth: number;
  ownerName: string;
  ownerEmail: string;
  password: string;
}

export class SetupClosedError extends Error {
  constructor() {
    super("This practice is already set up.");
  }
}

/** Creates the practice and its owner in one transaction; returns the owner's id. */
export async function setupPractice(db: DB, input: SetupInput, now: Date): Promise<number> {
  // Hash outside the transaction: nothing but the database may be awaited inside one.
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    if (!(await isSetupOpen(trx))) throw new SetupClosedError();
    const at = now.toISOString();
    await trx
      .insertInto("practice")
      .values({
        id: 1,
        name: input.practiceName,
        time_zone: input.timeZone,
        fiscal_year_start_month: input.fiscalYearStartMonth,
        created_at: at,
      })
      .execute();
    const owner = await trx
      .insertInto("user")
      .values({
        email: normalizeEmail(input.ownerEmail),
        name: input.ownerName,
        role: "owner",
        status: "active",
        password_hash: passwordHash,
        created_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: owner.id,
      action: "practice.setup",
      subject: `practice:${input.practiceName}`,
      details: { timeZone: input.timeZone, fiscalYearStartMonth: input.fiscalYearStartMonth },
      at: now,
    });
    return owner.id;
  });
}

export interface MoneySettings {
  labourCostEnabled: boolean;
  managersRecordSpend: boolean;
  managersSeeCosts: boolean;
}

export async function saveMoneySettings(db: DB, actorId: number, settings: MoneySettings, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("practice")
      .set({
        labour_cost_enabled: settings.labourCostEnabled ? 1 : 0,
        managers_record_spend: settings.managersRecordSpend ? 1 : 0,
        managers_see_costs: settings.managersSeeCosts ? 1 : 0,
      })
      .execute();
    await recordAudit(trx, { actorId, action: "settings.money", subject: "practice", details: { ...settings }, at: now });
  });
}
