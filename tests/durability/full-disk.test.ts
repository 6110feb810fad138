// A full disk under a running server. The database sits on a small tmpfs; a filler file takes
// nearly all of it and the app's own writes use up the rest. From then on a write must be
// refused with a calm "storage is full" answer (503, no internals) and leave nothing half-done,
// reading must go on, and once space returns the very same form goes through, with no restart.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, expect, onTestFailed, test } from "vitest";
import { ACTORS, PASSWORD, realCatalog, seedTrustPractice, type TrustIds } from "#tests/support/trust-practice.ts";
import { killAllApps, prepareDatabase, startApp, type AppProcess } from "./support/app-process.ts";
import { fileHealth, halfWrittenResults, withDatabase } from "./support/checks.ts";
import { attemptIdFrom, getPage, postForm, quizForm, signIn, type Answer, type FormFields } from "./support/http.ts";
import { mountSmallDisk, type SmallDisk } from "./support/small-disk.ts";

let disk: SmallDisk | null = null;
let app: AppProcess | null = null;

afterAll(async () => {
  await killAllApps();
  disk?.unmount();
});

/** What a storage-full answer must say, and must not give away. */
function expectCalmRefusal(answer: Answer, diskDir: string) {
  expect(answer.status, answer.body.slice(0, 500)).toBe(503);
  expect(answer.body).toMatch(/storage is full/i);
  expect(answer.body).toMatch(/try again/i);
  for (const internal of [/sqlite/i, /\bat .+:\d+:\d+/, /node_modules/, /Unexpected Server Error/, /SQLITE_/]) {
    expect(answer.body).not.toMatch(internal);
  }
  expect(answer.body).not.toContain(diskDir);
}

/** Sends fresh forms from `make` until one is refused; returns the refused form and its answer. */
async function writeUntilRefused(send: (fields: FormFields) => Promise<Answer>, make: () => FormFields, accepted: (a: Answer) => boolean) {
  for (let i = 0; i < 300; i++) {
    const fields = make();
    const answer = await send(fields);
    if (!accepted(answer)) return { fields, answer };
  }
  throw new Error("300 writes fitted on a disk with a few kilobytes free: the filler did not fill it.");
}

test("a full disk refuses writes with a calm 503 and leaves nothing half-written; reads go on; the same write succeeds when space returns", async () => {
  onTestFailed(() => console.log(`The server's log:\n${app?.output() ?? "(not started)"}`));
  disk = mountSmallDisk(24);
  const dbFile = path.join(disk.dir, "practice.sqlite");
  let ids: TrustIds | null = null;
  await prepareDatabase(dbFile, async (db) => {
    ids = await seedTrustPractice(db);
  });
  const practice = ids as unknown as TrustIds;
  app = await startApp(dbFile);
  const { url, pid } = app;
  const lesson = realCatalog()
    .modules.flatMap((m) => m.lessons)
    .find((l) => l.quiz);
  if (!lesson) throw new Error("The library has no quiz.");

  const maria = await signIn(url, ACTORS.staff, PASSWORD);
  const manager = await signIn(url, ACTORS.manager, PASSWORD);
  const james = await signIn(url, "james@demo.test", PASSWORD);
  // James's session is due for its idle extension (a write) on his next request, which comes
  // while the disk is full: reading must not depend on that write.
  await withDatabase(dbFile, async ({ db }) => {
    await db
      .updateTable("session")
      .set({ expires_at: new Date(Date.now() + 5 * 60_000).toISOString() })
      .where("user_id", "=", practice.users.james as number)
      .execute();
  });

  const readingPages: [string, string][] = [
    [maria, "/learn"],
    [maria, "/progress"],
    [maria, `/lessons/${lesson.slug}`],
    [maria, `/attempts/${practice.attempts.maria}`],
    [manager, "/manage/team"],
    [james, "/learn"],
  ];

  // Fill the disk: a filler file leaves 48 KB, and the app's own writes take the rest.
  const filler = path.join(disk.dir, "filler");
  disk.fill(filler, 48 * 1024);

  const addPerson = (fields: FormFields) => postForm(url, "/manage/team", fields, manager);
  let people = 0;
  const personForm = (): FormFields => {
    people++;
    return [
      ["intent", "add-person"],
      ["name", `Pat Filler ${people}`],
      ["email", `pat.filler.${people}@demo.test`],
      ["jobTitle", "Receptionist"],
      ["locationId", String(practice.locations.maple)],
      ["role", "staff"],
    ];
  };
  const refusedPerson = await writeUntilRefused(addPerson, personForm, (a) => a.status === 200);
  expectCalmRefusal(refusedPerson.answer, disk.dir);
  const refusedEmail = refusedPerson.fields.find(([k]) => k === "email")?.[1] as string;

  const submit = (fields: FormFields) => postForm(url, `/lessons/${lesson.slug}`, fields, maria);
  const refusedQuiz = await writeUntilRefused(submit, () => quizForm(lesson, randomUUID(), true), (a) => attemptIdFrom(a) !== null);
  expectCalmRefusal(refusedQuiz.answer, disk.dir);
  const refusedRequestId = refusedQuiz.fields.find(([k]) => k === "requestId")?.[1] as string;

  // Nothing of either refused write was kept.
  await withDatabase(dbFile, async (connection) => {
    const { db } = connection;
    expect(await db.selectFrom("quiz_attempt").select("id").where("request_id", "=", refusedRequestId).execute()).toEqual([]);
    expect(await halfWrittenResults(connection, [practice.users.maria as number])).toEqual({
      passedWithoutCompletion: [],
      completionOfFailedAttempt: [],
    });
    expect(await db.selectFrom("user").select("id").where("email", "=", refusedEmail).execute()).toEqual([]);
    const added = await db.selectFrom("user").select("id").where("email", "like", "pat.filler.%").execute();
    const audited = new Set(
      (await db.selectFrom("audit_event").select("subject").where("action", "=", "person.add").execute()).map((a) => a.subject),
    );
    const peopleWithoutAudit = added.filter((p) => !audited.has(`user:${p.id}`));
    expect(peopleWithoutAudit, "people added without their audit entry").toEqual([]);
  });

  // Reading goes on while the disk is full.
  for (const [cookie, page] of readingPages) {
    const answer = await getPage(url, page, cookie);
    expect(answer.status, `${page} while the disk is full: ${answer.body.slice(0, 300)}`).toBe(200);
  }

  // Space returns: the same forms go through, on the same server.
  fs.rmSync(filler);
  const quizAgain = await submit(refusedQuiz.fields);
  const attemptId = attemptIdFrom(quizAgain);
  expect(attemptId, `the refused quiz sent again answered ${quizAgain.status}`).not.toBeNull();
  const personAgain = await addPerson(refusedPerson.fields);
  expect(personAgain.status, personAgain.body.slice(0, 300)).toBe(200);
  expect(personAgain.body).toContain(refusedEmail);
  expect(app.running() && app.pid === pid, "the same server process answered").toBe(true);

  await withDatabase(dbFile, async (connection) => {
    const { db } = connection;
    const attempt = await db.selectFrom("quiz_attempt").select(["id", "passed"]).where("request_id", "=", refusedRequestId).execute();
    expect(attempt).toEqual([{ id: attemptId, passed: 1 }]);
    expect(await db.selectFrom("completion").select("id").where("attempt_id", "=", attemptId).execute()).toHaveLength(1);
    const person = await db.selectFrom("user").select("id").where("email", "=", refusedEmail).executeTakeFirstOrThrow();
    expect(
      await db.selectFrom("audit_event").select("action").where("subject", "=", `user:${person.id}`).execute(),
    ).toEqual([{ action: "person.add" }]);
    expect(fileHealth(connection)).toEqual({ integrity: ["ok"], foreignKeyViolations: [] });
  });
});
