// Account emails, received by a real SMTP server: "Forgot your password?" by email (the same
// answer for every address, a token kept only as its hash, 30 minutes, one use, a newer request
// ending older ones, throttled) and setup codes sent instead of shown.
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashCode, redeemCode } from "#app/models/access-codes.server.ts";
import { hashPassword, verifyPassword } from "#app/models/passwords.server.ts";
import {
  admitResetRequest,
  findResetLink,
  RESET_MINUTES,
  RESET_REQUESTS_PER_ADDRESS,
  RESET_REQUESTS_PER_EMAIL,
  RESET_URL,
  requestPasswordReset,
  resetPasswordWithLink,
  SETUP_CODE,
} from "#app/models/mail/account-mail.server.ts";
import { sendSoon } from "#app/models/mail/sender.server.ts";
import { createSessions } from "#app/models/sessions.server.ts";
import { addPersonEmailingCode, emailResetCode, findPerson } from "#app/models/team.server.ts";
import type { DB } from "#db/connection.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createUser } from "#tests/support/factories.ts";
import { mailPractice, ORIGIN, type MailPractice } from "#tests/support/mail.ts";
import { startTestSmtp, type ReceivedMail, type TestSmtp } from "#tests/support/smtp.ts";

const TZ = "America/New_York";
const testDb = setupTestDb();
let smtp: TestSmtp;
let practice: MailPractice;

beforeEach(async () => {
  smtp = await startTestSmtp();
  practice = await mailPractice(testDb.db, { timeZone: TZ, start: "2026-03-02T15:00:00Z", dueOn: "2026-03-05" });
});
afterEach(async () => {
  await smtp.close();
});

const env = () => ({ SMTP_URL: smtp.url, MAIL_FROM: "DeskCoach <coach@example.org>", APP_ORIGIN: ORIGIN });
const at = (iso: string) => {
  practice.clock.set(iso);
  return practice.clock.now();
};
const send = () => sendSoon(testDb.db, env(), practice.clock, (line) => expect.fail(line));
const ask = (email: string) => requestPasswordReset(testDb.db, { email, now: practice.clock.now(), origin: ORIGIN });

/** The reset link's token in a received email, from its plain-text part. */
function tokenIn(mail: ReceivedMail | undefined): string {
  const match = new RegExp(`${ORIGIN}/login/reset/([A-Za-z0-9_-]+)`).exec(mail?.text ?? "");
  if (!match?.[1]) throw new Error(`No reset link in: ${mail?.text}`);
  return match[1];
}

/** Every table's every row as text, on SQLite or PostgreSQL. */
async function everything(db: DB): Promise<string> {
  const tables = await db.introspection.getTables();
  const out: string[] = [];
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(db);
    out.push(`${table.name}: ${JSON.stringify(rows.rows, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))}`);
  }
  return out.join("\n");
}

describe("Forgot your password? by email", () => {
  it("writes a message only for an active account's address, and sends it at once, with no unsubscribe link or other token", async () => {
    const gone = await createUser(testDb.db, { name: "Gail North", email: "gail@clinic.example" });
    await testDb.db.updateTable("user").set({ status: "deactivated" }).where("id", "=", gone.id).execute();
    at("2026-03-02T15:00:00Z");
    for (const email of ["Ana@Clinic.example ", "nobody@clinic.example", "gail@clinic.example"]) {
      // Each address is admitted alike: the throttle counts typed addresses, not accounts.
      expect(await admitResetRequest(testDb.db, { email, address: "203.0.113.9", now: practice.clock.now() })).toBe(0);
      await ask(email);
    }
    await send();
    expect(smtp.received.map((m) => m.to)).toEqual([["ana@clinic.example"]]);
    const [mail] = smtp.received;
    expect(mail?.subject).toBe("Reset your DeskCoach password");
    expect(mail?.text).toContain(`within ${RESET_MINUTES} minutes`);
    expect(mail?.html).toContain(`${ORIGIN}/login/reset/${tokenIn(mail)}`);
    // Transactional: no List-Unsubscribe, and no unsubscribe token made for it.
    expect(mail?.headers.has("list-unsubscribe")).toBe(false);
    expect(await testDb.db.selectFrom("mail_unsubscribe").select("token_hash").execute()).toEqual([]);
    const messages = await testDb.db.selectFrom("mail_message").select(["user_id", "kind", "status"]).execute();
    expect(messages).toEqual([{ user_id: practice.ana.id, kind: "password-reset", status: "sent" }]);
    const audit = await testDb.db.selectFrom("audit_event").select(["action", "subject"]).where("action", "=", "person.reset_requested").execute();
    expect(audit).toEqual([{ action: "person.reset_requested", subject: `user:${practice.ana.id}` }]);
  });

  it("keeps only the token's hash: the link in the email is in no table, and the outbox holds a placeholder", async () => {
    at("2026-03-02T15:00:00Z");
    await ask("ana@clinic.example");
    await send();
    const token = tokenIn(smtp.received[0]);
    expect(token).toHaveLength(43);
    const stored = await everything(testDb.db);
    expect(stored).not.toContain(token);
    const message = await testDb.db.selectFrom("mail_message").select(["text_body", "html_body"]).executeTakeFirstOrThrow();
    expect(message.text_body).toContain(RESET_URL);
    expect(message.html_body).toContain(RESET_URL);
    const row = await testDb.db.selectFrom("account_mail").select(["token_hash", "expires_at"]).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(row.expires_at).toBe("2026-03-02T15:30:00.000Z");
  });

  it("works for 30 minutes after it was sent, then answers as an unknown link and changes nothing", async () => {
    at("2026-03-02T15:00:00Z");
    await ask("ana@clinic.example");
    await send();
    const token = tokenIn(smtp.received[0]);
    const before = await testDb.db.selectFrom("user").select("password_hash").where("id", "=", practice.ana.id).executeTakeFirstOrThrow();
    expect(await findResetLink(testDb.db, token, at("2026-03-02T15:29:59Z"))).toEqual({ email: "ana@clinic.example" });
    expect(await findResetLink(testDb.db, token, at("2026-03-02T15:30:00Z"))).toBeNull();
    const late = await resetPasswordWithLink(testDb.db, { token, passwordHash: await hashPassword("a-brand-new-password"), now: at("2026-03-02T15:31:00Z") });
    expect(late).toBeNull();
    const after = await testDb.db.selectFrom("user").select("password_hash").where("id", "=", practice.ana.id).executeTakeFirstOrThrow();
    expect(after.password_hash).toBe(before.password_hash);
  });

  it("sets the password once, ends the person's sessions and records it; the link then works no more", async () => {
    const sessions = createSessions(testDb.db, { idleMinutes: 15, maxHours: 12 });
    await sessions.create(practice.ana.id);
    await sessions.create(practice.ben.id);
    at("2026-03-02T15:00:00Z");
    await ask("ana@clinic.example");
    await send();
    const token = tokenIn(smtp.received[0]);
    const done = await resetPasswordWithLink(testDb.db, { token, passwordHash: await hashPassword("a-brand-new-password"), now: at("2026-03-02T15:10:00Z") });
    expect(done).toEqual({ userId: practice.ana.id });
    const ana = await testDb.db.selectFrom("user").select("password_hash").where("id", "=", practice.ana.id).executeTakeFirstOrThrow();
    expect(await verifyPassword(ana.password_hash, "a-brand-new-password")).toBe(true);
    expect((await testDb.db.selectFrom("session").select("user_id").execute()).map((s) => s.user_id)).toEqual([practice.ben.id]);
    const audit = await testDb.db.selectFrom("audit_event").select(["action", "actor_id", "details"]).where("action", "=", "person.password_reset").execute();
    expect(audit).toEqual([{ action: "person.password_reset", actor_id: practice.ana.id, details: JSON.stringify({ via: "email" }) }]);
    // Used: the same link, again, within its 30 minutes.
    expect(await findResetLink(testDb.db, token, at("2026-03-02T15:11:00Z"))).toBeNull();
    expect(await resetPasswordWithLink(testDb.db, { token, passwordHash: await hashPassword("yet-another-password"), now: practice.clock.now() })).toBeNull();
    const still = await testDb.db.selectFrom("user").select("password_hash").where("id", "=", practice.ana.id).executeTakeFirstOrThrow();
    expect(still.password_hash).toBe(ana.password_hash);
  });

  it("sends a message for each request the same day, and a newer request ends the older link", async () => {
    at("2026-03-02T15:00:00Z");
    await ask("ana@clinic.example");
    await send();
    at("2026-03-02T15:05:00Z");
    await ask("ana@clinic.example");
    await send();
    expect(smtp.received).toHaveLength(2);
    const [first, second] = smtp.received.map(tokenIn);
    expect(await findResetLink(testDb.db, first!, at("2026-03-02T15:06:00Z"))).toBeNull();
    expect(await findResetLink(testDb.db, second!, practice.clock.now())).toEqual({ email: "ana@clinic.example" });
    // Two requests waiting together (the mail server was away): only the newer one goes.
    at("2026-03-02T16:00:00Z");
    await ask("ana@clinic.example");
    at("2026-03-02T16:01:00Z");
    await ask("ana@clinic.example");
    await send();
    expect(smtp.received).toHaveLength(3);
    const statuses = await testDb.db.selectFrom("mail_message").select(["status", "last_error"]).orderBy("id").execute();
    expect(statuses.map((s) => s.status)).toEqual(["sent", "sent", "failed", "sent"]);
    expect(statuses[2]?.last_error).toBe("Not sent: a newer request replaced it.");
    expect(await findResetLink(testDb.db, second!, practice.clock.now())).toBeNull();
    expect(await findResetLink(testDb.db, tokenIn(smtp.received[2]), practice.clock.now())).not.toBeNull();
  });

  it("is throttled per typed email and per client address, alike for addresses with and without an account", async () => {
    const now = at("2026-03-02T15:00:00Z");
    for (const email of ["ana@clinic.example", "nobody@clinic.example"]) {
      for (let i = 0; i < RESET_REQUESTS_PER_EMAIL; i++) expect(await admitResetRequest(testDb.db, { email, address: `198.51.100.${i}`, now })).toBe(0);
      expect(await admitResetRequest(testDb.db, { email: email.toUpperCase(), address: "198.51.100.200", now })).toBe(15);
    }
    for (let i = 0; i < RESET_REQUESTS_PER_ADDRESS; i++) expect(await admitResetRequest(testDb.db, { email: `p${i}@clinic.example`, address: "203.0.113.7", now })).toBe(0);
    expect(await admitResetRequest(testDb.db, { email: "someone-else@clinic.example", address: "203.0.113.7", now })).toBe(15);
    // A refused request is not counted; after the window both are let through again.
    expect(await admitResetRequest(testDb.db, { email: "ana@clinic.example", address: "203.0.113.8", now: at("2026-03-02T15:15:01Z") })).toBe(0);
    expect(await admitResetRequest(testDb.db, { email: "q@clinic.example", address: "203.0.113.7", now: practice.clock.now() })).toBe(0);
    // Sign-in's own counters are untouched: reset requests lock nobody out of signing in.
    const signIn = await testDb.db.selectFrom("login_failure").select("key").where("key", "like", "account:%").execute();
    expect(signIn).toEqual([]);
  });

  it("refuses an address with a header in it (nothing is sent anywhere)", async () => {
    at("2026-03-02T15:00:00Z");
    expect(await ask("ana@clinic.example\r\nBcc: x@evil.example")).toBe(false);
    expect(await ask("x".repeat(5000))).toBe(false);
    await send();
    expect(smtp.received).toEqual([]);
  });
});

describe("setup codes by email", () => {
  const staff = { name: "Rosa Diaz", email: "rosa@clinic.example", jobTitle: "Receptionist", locationId: null, hiredOn: null, hourlyWageCents: null, role: "staff" as const, scopeLocationId: null };

  it("sends a code made as the message goes: not shown, not in the outbox, and it lets the person choose a password", async () => {
    const now = at("2026-03-02T15:00:00Z");
    const added = await addPersonEmailingCode(testDb.db, practice.owner, staff, { now, timeZone: TZ, origin: ORIGIN });
    expect(added.email).toBe("rosa@clinic.example");
    // Before it goes: a placeholder in the outbox, and no code at all.
    const message = await testDb.db.selectFrom("mail_message").select(["kind", "text_body", "html_body", "status"]).executeTakeFirstOrThrow();
    expect(message).toMatchObject({ kind: "setup-code", status: "pending" });
    expect(message.text_body).toContain(SETUP_CODE);
    expect(await testDb.db.selectFrom("access_code").select("id").execute()).toEqual([]);
    await send();
    const [mail] = smtp.received;
    expect(mail?.to).toEqual(["rosa@clinic.example"]);
    expect(mail?.text).toContain("Olivia Owner asked DeskCoach");
    expect(mail?.text).toContain(`${ORIGIN}/login/code`);
    expect(mail?.headers.has("list-unsubscribe")).toBe(false);
    const code = /Your code: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(mail?.text ?? "")?.[1];
    expect(code).toBeDefined();
    expect(await everything(testDb.db)).not.toContain(code!);
    const stored = await testDb.db.selectFrom("access_code").select(["code_hash", "created_by", "purpose"]).executeTakeFirstOrThrow();
    expect(stored).toEqual({ code_hash: hashCode(code!), created_by: practice.owner.id, purpose: "setup" });
    const audit = await testDb.db.selectFrom("audit_event").select("details").where("action", "=", "person.add").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ setupCode: "emailed" });
    const signedIn = await redeemCode(testDb.db, { email: "rosa@clinic.example", code: code!, passwordHash: await hashPassword("rosas-own-password"), now: at("2026-03-02T16:00:00Z") });
    expect(signedIn.userId).toBe(added.id);
  });

  it("a manager's reset by email ends the earlier code at once and sends a new one", async () => {
    const now = at("2026-03-02T15:00:00Z");
    const person = (await findPerson(testDb.db, practice.owner, practice.ana.id))!;
    const to = await emailResetCode(testDb.db, practice.owner, person, { now, origin: ORIGIN });
    expect(to).toBe("ana@clinic.example");
    await send();
    const code = /Your code: ([A-Z0-9-]{14})/.exec(smtp.received[0]?.text ?? "")?.[1];
    const audit = await testDb.db.selectFrom("audit_event").select(["action", "details"]).where("action", "=", "person.reset_code").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toEqual({ via: "email", to: "ana@clinic.example" });
    // A second reset by email: the first code stops working as soon as it is asked for.
    await emailResetCode(testDb.db, practice.owner, person, { now: at("2026-03-02T15:05:00Z"), origin: ORIGIN });
    await expect(redeemCode(testDb.db, { email: "ana@clinic.example", code: code!, passwordHash: "x", now: practice.clock.now() })).rejects.toThrow(/do not match/);
  });

  it("does not send a code to a person deactivated before it went", async () => {
    const now = at("2026-03-02T15:00:00Z");
    const person = (await findPerson(testDb.db, practice.owner, practice.ana.id))!;
    await emailResetCode(testDb.db, practice.owner, person, { now, origin: ORIGIN });
    await testDb.db.updateTable("user").set({ status: "deactivated" }).where("id", "=", practice.ana.id).execute();
    await send();
    expect(smtp.received).toEqual([]);
    expect(await testDb.db.selectFrom("mail_message").select(["status", "last_error"]).executeTakeFirstOrThrow()).toEqual({
      status: "failed",
      last_error: "Not sent: the person was deactivated before it could go.",
    });
    expect(await testDb.db.selectFrom("access_code").select("id").where("used_at", "is", null).execute()).toEqual([]);
  });
});
