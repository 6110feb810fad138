// The question a day, the manager digest and the owner summary, received by a real SMTP server:
// what each says, to whom, and how often (once a day, a week, a month).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAssignment } from "#app/models/assignments.server.ts";
import type { Catalog } from "#app/models/catalog.server.ts";
import { setKindSettings } from "#app/models/mail/kinds.server.ts";
import { summaryFigures } from "#app/models/mail/owner-summary.server.ts";
import { runMailRound } from "#app/models/mail/scheduler.server.ts";
import { submitQuiz } from "#app/models/quizzes.server.ts";
import { summaryOutcomes } from "#app/models/outcomes.server.ts";
import { practiceMonthlySummary } from "#app/models/reports.server.ts";
import { dailyReview } from "#app/models/review.server.ts";
import { setupTestDb } from "#tests/support/db.ts";
import { createLocation, createUser, placeUser } from "#tests/support/factories.ts";
import { mailPractice, ORIGIN, type MailPractice } from "#tests/support/mail.ts";
import { startTestSmtp, type TestSmtp } from "#tests/support/smtp.ts";

const TZ = "America/Chicago";
const WEEKDAYS = [1, 2, 3, 4, 5];
const testDb = setupTestDb();
let smtp: TestSmtp;
let practice: MailPractice;

beforeEach(async () => {
  catalog = null;
  smtp = await startTestSmtp();
  // Monday 2 March 2026, 09:00 in Chicago; Ana's basics module is due Thursday 5 March.
  practice = await mailPractice(testDb.db, { timeZone: TZ, start: "2026-03-02T15:00:00Z", dueOn: "2026-03-05" });
});
afterEach(async () => {
  await smtp.close();
});

/** The library the rounds read, when a test gives it patient-feedback themes. */
let catalog: Catalog | null = null;
const round = async (iso: string) => {
  practice.clock.set(iso);
  const services = practice.services(testDb.connection, smtp.url);
  return runMailRound(catalog ? { ...services, catalog: async () => catalog as Catalog } : services, practice.clock.now());
};
const turnOn = (kind: string, hour = 8) => setKindSettings(testDb.db, kind, { enabled: true, hour, workingDays: WEEKDAYS }, practice.owner.id, practice.clock.now());
const mailsOf = (kind: string) => smtp.received.filter((m) => m.headers.get("list-unsubscribe") && kindOf(m.subject) === kind);
function kindOf(subject: string): string {
  if (subject.startsWith("Today's question")) return "question-a-day";
  if (subject.startsWith("Your team's training")) return "manager-digest";
  if (subject.startsWith("Training in ")) return "owner-summary";
  return "staff-reminder";
}

describe("a question a day", () => {
  async function missSomeQuestions(userId: number, at: string) {
    const lesson = practice.catalog.lesson("greeting-basics");
    if (!lesson) throw new Error("no lesson");
    // Wrong on the first and third questions, right on the second.
    await submitQuiz(testDb.db, { userId, lesson, answers: { "greet-first": ["b"], "greet-words": ["a", "b"], "greet-hold": ["b"] }, requestId: `quiz-${userId}-${at}`, now: new Date(at) });
  }

  it("is off until the practice turns it on", async () => {
    await missSomeQuestions(practice.ana.id, "2026-03-02T15:00:00Z");
    const result = await round("2026-03-03T15:05:00Z");
    expect(result.composed["question-a-day"]).toBeUndefined();
    expect(mailsOf("question-a-day")).toEqual([]);
  });

  it("sends the first question of the person's daily review on /learn, with a link that opens it, once a day, and nothing to someone with nothing to review", async () => {
    await missSomeQuestions(practice.ana.id, "2026-03-02T15:00:00Z");
    // Ben answered everything right: nothing to review.
    const lesson = practice.catalog.lesson("greeting-basics");
    await submitQuiz(testDb.db, { userId: practice.ben.id, lesson: lesson!, answers: { "greet-first": ["a"], "greet-words": ["a", "b"], "greet-hold": ["a"] }, requestId: "ben-quiz", now: new Date("2026-03-02T15:00:00Z") });
    await turnOn("question-a-day", 9);

    // Tuesday 08:30 in Chicago: before the hour.
    await round("2026-03-03T14:30:00Z");
    expect(mailsOf("question-a-day")).toEqual([]);
    const first = await round("2026-03-03T15:05:00Z");
    expect(first.composed["question-a-day"]).toBe(1);
    await round("2026-03-03T15:06:00Z");
    await round("2026-03-03T22:00:00Z");
    const mails = mailsOf("question-a-day");
    expect(mails.map((m) => m.to)).toEqual([["ana@clinic.example"]]);
    const [mail] = mails;
    if (!mail) return;

    // The same question /learn shows first today, with its choices, and no answer key.
    const review = await dailyReview(testDb.db, practice.ana.id, practice.catalog, { now: practice.clock.now(), timeZone: TZ });
    const shown = review.questions[0];
    expect(shown).toBeDefined();
    if (!shown) return;
    expect(review.questions.length).toBe(2);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(shown.prompt);
      for (const choice of shown.choices) expect(part).toContain(choice.text);
      expect(part).not.toContain("They know they were seen.");
      expect(part).not.toContain(review.questions[1]?.prompt ?? "(none)");
    }
    expect(mail.subject).toBe(`Today's question, from “${shown.lessonTitle}”`);
    expect(mail.text).toContain(`Answer it on DeskCoach: ${ORIGIN}/learn#review`);
    expect(mail.html).toContain(`href="${ORIGIN}/learn#review"`);
    expect(mail.text).toContain("One more question waits in today's review.");
    expect(mail.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const link = /<(.*)>/.exec(mail.headers.get("list-unsubscribe") ?? "")?.[1] ?? "";
    expect(mail.text).toContain(link);
    expect(mail.html).toContain(link);
    // Nothing about Ben in Ana's question.
    expect(`${mail.text}${mail.html}`).not.toMatch(/Ben|ben@clinic/);
  });

  it("sends nothing the day after the review was answered and nothing is due", async () => {
    await missSomeQuestions(practice.ana.id, "2026-03-02T15:00:00Z");
    await turnOn("question-a-day", 9);
    await round("2026-03-03T15:05:00Z");
    expect(mailsOf("question-a-day")).toHaveLength(1);
    // Ana answers both right on the site on Tuesday: they come back in 3 days (Friday).
    await testDb.db
      .insertInto("review_answer")
      .values(
        ["greet-first", "greet-hold"].map((id, i) => ({
          user_id: practice.ana.id,
          lesson_slug: "greeting-basics",
          question_id: id,
          answers: JSON.stringify(["a"]),
          correct: 1,
          answered_at: "2026-03-03T16:00:00Z",
          request_id: `review-${i}`,
        })),
      )
      .execute();
    await round("2026-03-04T15:05:00Z");
    await round("2026-03-05T15:05:00Z");
    expect(mailsOf("question-a-day")).toHaveLength(1);
    await round("2026-03-06T15:05:00Z");
    expect(mailsOf("question-a-day")).toHaveLength(2);
  });
});

describe("the manager digest", () => {
  /** North: Ana (overdue) and Mona, a manager limited to North. South: Sam (overdue) and Sue (finished last week). */
  async function twoLocations() {
    const north = await createLocation(testDb.db, "North Clinic");
    const south = await createLocation(testDb.db, "South Clinic");
    await placeUser(testDb.db, practice.ana.id, { locationId: north });
    const mona = await createUser(testDb.db, { role: "manager", name: "Mona Manager", email: "mona@clinic.example" });
    await placeUser(testDb.db, mona.id, { locationId: north, scopeLocationId: north });
    const sam = await createUser(testDb.db, { name: "Sam Southby", email: "sam@clinic.example" });
    const sue = await createUser(testDb.db, { name: "Sue Southwell", email: "sue@clinic.example" });
    for (const p of [sam, sue]) await placeUser(testDb.db, p.id, { locationId: south });
    await createAssignment(
      testDb.db,
      practice.owner,
      { item: { kind: "module", slug: "basics" }, target: { kind: "group", jobTitle: null, locationId: south }, due: { kind: "date", on: "2026-03-05" }, recurMonths: null },
      { catalog: practice.catalog, now: practice.clock.now(), timeZone: TZ },
    );
    // Sue finishes both lessons on Wednesday 4 March: on time.
    for (const slug of ["greeting-basics", "reading-only"]) {
      await testDb.db.insertInto("completion").values({ user_id: sue.id, lesson_slug: slug, completed_at: "2026-03-04T17:00:00Z", attempt_id: null, content_hash: "x" }).execute();
    }
    // Feedback in the week of 2 March: two items at North about greeting, one at South.
    const item = (on: string, locationId: number, comment: string, rating: number) => ({
      received_on: on,
      source: "survey",
      rating,
      comment,
      location_id: locationId,
      import_id: null,
      request_id: null,
      created_by: practice.owner.id,
      created_at: "2026-03-06T15:00:00Z",
    });
    await testDb.db
      .insertInto("feedback_item")
      .values([item("2026-03-03", north, "Nobody said hello at the desk", 2), item("2026-03-04", north, "A warm hello, thank you", 5), item("2026-03-05", south, "The wait was long", 1)])
      .execute();
    return { north, south, mona, sam, sue };
  }

  it("is off until the practice turns it on", async () => {
    await twoLocations();
    const result = await round("2026-03-09T14:05:00Z");
    expect(result.composed["manager-digest"]).toBeUndefined();
  });

  it("tells a location's manager about that location's people and feedback only, and the owner about everyone", async () => {
    const { mona } = await twoLocations();
    catalog = { ...practice.catalog, themes: [{ skill: "greeting", phrases: ["hello"] }] };
    await turnOn("manager-digest");
    // Monday 9 March, 08:05 in Chicago: the digest of the week of 2 March.
    const result = await round("2026-03-09T13:05:00Z");
    expect(result.composed["manager-digest"]).toBe(2);
    const digests = mailsOf("manager-digest");
    expect(digests.map((m) => m.to[0]).sort()).toEqual(["mona@clinic.example", expect.stringMatching(/@test\.example$/)]);
    const monas = digests.find((m) => m.to[0] === "mona@clinic.example");
    const owners = digests.find((m) => m.to[0] !== "mona@clinic.example");
    if (!monas || !owners) throw new Error("missing digest");

    expect(monas.subject).toBe("Your team's training, week of Mon Mar 2");
    expect(monas.text).toContain("Your team's training at North Clinic, for the week Mon Mar 2 to Sun Mar 8.");
    expect(monas.text).toContain("- Ana Alvarez: 1 overdue");
    expect(monas.text).toContain("Nobody finished assigned training.");
    expect(monas.text).toContain("2 items of patient feedback, 2 with a comment.");
    expect(monas.text).toContain("- Greeting: 2 of 2 comments, average rating 3.5");
    for (const part of [monas.text, monas.html]) {
      for (const other of ["Sam Southby", "Sue Southwell", "South Clinic", "wait was long", "Nobody said hello"]) expect(part).not.toContain(other);
    }
    expect(monas.html).toContain("Ana Alvarez: 1 overdue");
    expect(monas.html).toContain(`href="${ORIGIN}/manage/progress?state=overdue"`);

    // The owner sees the whole practice.
    expect(owners.text).toContain("for the week Mon Mar 2 to Sun Mar 8.");
    expect(owners.text).toContain("2 items overdue.");
    for (const name of ["Ana Alvarez", "Sam Southby"]) expect(owners.text).toContain(`- ${name}: 1 overdue`);
    expect(owners.text).toContain("- Sue Southwell: Basics");
    expect(owners.text).toContain("3 items of patient feedback, 3 with a comment.");
    expect(owners.text).toContain("- Greeting: 2 of 3 comments");
    expect(`${owners.text}${owners.html}`).not.toContain("wait was long");
    expect(mona.id).toBeGreaterThan(0);
  });

  it("goes once a week: from the week's first working day at the hour, not again later that week, and again the next week", async () => {
    const { mona } = await twoLocations();
    await turnOn("manager-digest");
    const monas = () => smtp.received.filter((m) => m.to[0] === "mona@clinic.example");
    // Sunday 8 March: a day off. Monday 07:30: before the hour.
    await round("2026-03-08T16:00:00Z");
    await round("2026-03-09T12:30:00Z");
    expect(monas()).toEqual([]);
    await round("2026-03-09T13:05:00Z");
    expect(monas()).toHaveLength(1);
    // Every working day of the week, at and after the hour: nothing more.
    for (const day of ["09", "10", "11", "12", "13"]) {
      await round(`2026-03-${day}T13:05:00Z`);
      await round(`2026-03-${day}T21:00:00Z`);
    }
    expect(monas()).toHaveLength(1);
    // The outbox keys it to the week's Monday.
    const kept = await testDb.db.selectFrom("mail_message").select(["local_date"]).where("user_id", "=", mona.id).where("kind", "=", "manager-digest").execute();
    expect(kept).toEqual([{ local_date: "2026-03-09" }]);
    // The next Monday: the next week's digest.
    await round("2026-03-16T13:05:00Z");
    expect(monas()).toHaveLength(2);
    expect(monas()[1]?.subject).toBe("Your team's training, week of Mon Mar 9");
  });

  it("goes on the week's first working day when Monday is not one", async () => {
    const { mona } = await twoLocations();
    await setKindSettings(testDb.db, "manager-digest", { enabled: true, hour: 8, workingDays: [2, 3, 4, 5, 6] }, null, practice.clock.now());
    await round("2026-03-09T13:05:00Z");
    expect(smtp.received.filter((m) => m.to[0] === "mona@clinic.example")).toEqual([]);
    await round("2026-03-10T13:05:00Z");
    await round("2026-03-14T13:05:00Z");
    const kept = await testDb.db.selectFrom("mail_message").select(["local_date", "created_at"]).where("user_id", "=", mona.id).execute();
    expect(kept.map((k) => ({ local_date: k.local_date, created_at: new Date(k.created_at).toISOString() }))).toEqual([{ local_date: "2026-03-09", created_at: "2026-03-10T13:05:00.000Z" }]);
  });
});

describe("the owner summary", () => {
  async function spendAndPlan() {
    await testDb.db
      .insertInto("budget_plan")
      .values([
        { fiscal_year: 2026, category: "online-courses", planned_cents: 120_000, per_employee: 0 },
        { fiscal_year: 2026, category: "training-materials", planned_cents: 60_000, per_employee: 0 },
      ])
      .execute();
    const at = "2026-03-10T15:00:00Z";
    await testDb.db
      .insertInto("expense")
      .values([
        { spent_on: "2026-03-10", category: "online-courses", vendor: "Course Co", description: "Phone skills", amount_cents: 25_000, created_by: practice.owner.id, created_at: at, updated_at: at },
        { spent_on: "2026-03-20", category: "training-materials", vendor: "Print Co", description: "Cards", amount_cents: 4_550, created_by: practice.owner.id, created_at: at, updated_at: at },
        { spent_on: "2026-04-01", category: "training-materials", vendor: "Print Co", description: "April", amount_cents: 999, created_by: practice.owner.id, created_at: at, updated_at: at },
      ])
      .execute();
    await testDb.db.insertInto("completion").values({ user_id: practice.ana.id, lesson_slug: "reading-only", completed_at: "2026-03-04T17:00:00Z", attempt_id: null, content_hash: "x" }).execute();
    // March's outcome figures, as the owner typed them: visits and no-shows, nothing else.
    const locationId = await createLocation(testDb.db, "Lakeside");
    await testDb.db
      .insertInto("outcome_month")
      .values({ month: "2026-03", location_id: locationId, visits: 812, new_patients: null, returning_patients: null, no_shows: 41, late_cancellations: null, review_count: null, stars_hundredths: null, complaints: null, created_by: practice.owner.id, created_at: at, updated_by: practice.owner.id, updated_at: at })
      .execute();
  }

  it("goes to owners on the month's first working day with the figures /owner/summary shows for the month just ended, once a month", async () => {
    await spendAndPlan();
    await setPersonEmail(practice.owner.id, "olivia@clinic.example");
    const manager = await createUser(testDb.db, { role: "manager", email: "max@clinic.example" });
    await turnOn("owner-summary");
    // Wednesday 1 April 2026, 07:30 in Chicago: before the hour. Then 08:05.
    await round("2026-04-01T12:30:00Z");
    expect(mailsOf("owner-summary")).toEqual([]);
    await round("2026-04-01T13:05:00Z");
    const [mail, ...more] = mailsOf("owner-summary");
    expect(more).toEqual([]);
    if (!mail) throw new Error("no summary");
    expect(mail.to).toEqual(["olivia@clinic.example"]);
    expect(smtp.received.some((m) => m.to[0] === manager.email)).toBe(false);
    expect(mail.subject).toBe("Training in March 2026: the monthly summary");

    // What the page's one call gives for March, as of now, written as the page writes it.
    const summary = await practiceMonthlySummary(testDb.db, practice.owner, practice.catalog, "2026-03", practice.clock.now());
    expect(summary.spendCents).toBe(29_550);
    const figures = summaryFigures(summary);
    expect(figures.money[0]).toEqual(["Spent this month", "$295.50 (plan: about $150.00 a month)"]);
    for (const [label, value] of [...figures.money, ...figures.categories, ...figures.learning]) {
      expect(mail.text).toContain(`${label}: ${value}`);
      expect(mail.html).toContain(value.replace(/&/g, "&amp;"));
    }
    expect(mail.text).toContain("Lessons completed: 1 by 1 people");
    expect(mail.text).toContain("- Online courses: $250.00");
    expect(mail.text).toContain(`${ORIGIN}/owner/summary?month=2026-03`);
    // The outcome figures the page shows for March, and only those the practice has.
    const outcomes = await summaryOutcomes(testDb.db, practice.owner, "2026-03", { today: "2026-04-01", timeZone: "America/Chicago", catalog: practice.catalog, now: practice.clock.now() });
    expect(outcomes.figures).toEqual([
      { label: "Visits", value: 812 },
      { label: "No-shows", value: 41 },
    ]);
    expect(mail.text).toContain("Outcomes\nVisits: 812\nNo-shows: 41\n");
    expect(mail.text).not.toContain("Returning patients:");
    expect(mail.html).toContain("<td style=\"padding: 2px 0\">812</td>");

    // Later working days of April: nothing more. May: May's summary of April.
    for (const day of ["02", "03", "06", "30"]) await round(`2026-04-${day}T14:00:00Z`);
    expect(mailsOf("owner-summary")).toHaveLength(1);
    const kept = await testDb.db.selectFrom("mail_message").select("local_date").where("kind", "=", "owner-summary").execute();
    expect(kept).toEqual([{ local_date: "2026-04-01" }]);
    // Friday 1 May 2026.
    await round("2026-05-01T13:05:00Z");
    expect(mailsOf("owner-summary").map((m) => m.subject)).toEqual(["Training in March 2026: the monthly summary", "Training in April 2026: the monthly summary"]);
    expect(mailsOf("owner-summary")[1]?.text).toContain("Spent this month: $9.99");
  });

  async function setPersonEmail(userId: number, email: string) {
    await testDb.db.updateTable("user").set({ email }).where("id", "=", userId).execute();
  }
});
