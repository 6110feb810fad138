// The demo practice's patient feedback, daily-review history and team goal. Everything here is
// fictional and already scrubbed, as an import would have left it. The feedback tells a story a
// manager can act on: waits are the steady complaint nobody has trained for yet; phone complaints
// fall after "The phone" went to the receptionists 60 days ago; greeting and check-in complaints
// fell after "First impressions" went to everyone 95 days ago.
import { randomUUID } from "node:crypto";
import type { DB } from "#db/connection.ts";
import { REDACTION_KINDS, type RedactionCounts } from "#app/rules/feedback.ts";
import { REVIEW_INTERVALS } from "#app/rules/review.ts";
import type { Catalog } from "./catalog.server.ts";
import { gradeQuiz, parseStoredAnswers } from "./quizzes.server.ts";

type Kind = "wait" | "phone" | "greeting" | "billing" | "privacy" | "empathy" | "praise" | "none";

/** Comments by kind, with the skills the theme rules should find in each (checked by a unit test). */
export const DEMO_COMMENTS: Record<Kind, { text: string; themes: string[] }[]> = {
  wait: [
    { text: "Waited 50 minutes past my appointment time and nobody said a word.", themes: ["wait-times"] },
    { text: "Sat in the lobby for over an hour with a sick toddler. No update from the desk.", themes: ["wait-times"] },
    { text: "The doctor was great but the wait was ridiculous again.", themes: ["wait-times"] },
    { text: "Checked in at 9:40 for a 9:45 appointment and was seen at 10:55. Someone should tell us when they are running behind.", themes: ["wait-times", "check-in"] },
    { text: "Still waiting 40 minutes after my time. I had to leave to pick up my kids.", themes: ["wait-times"] },
    { text: "Long delay and the receptionist just shrugged when I asked how much longer.", themes: ["wait-times"] },
    { text: "I asked twice how long the wait would be and got no real answer.", themes: ["wait-times"] },
    { text: "Every visit runs late. Please just tell us so we can plan.", themes: ["wait-times"] },
    { text: "Took forever to be seen. Waiting room was packed.", themes: ["wait-times"] },
    { text: "Waited 35 minutes, then was told Dr. [name] was running late. Would have liked to know at check-in.", themes: ["wait-times", "check-in"] },
  ],
  phone: [
    { text: "On hold for 25 minutes before I hung up.", themes: ["phone"] },
    { text: "Called three times to reschedule and never got a call back.", themes: ["phone", "scheduling", "messages"] },
    { text: "Left a voicemail about my refill on [date] and never heard back.", themes: ["phone", "messages"] },
    { text: "The phone tree sends you in circles and then the line goes dead.", themes: ["phone"] },
    { text: "Whoever answered the phone was short with me and transferred me to the wrong person.", themes: ["phone"] },
    { text: "I left my number, [phone], twice. No one called.", themes: ["phone"] },
    { text: "Nobody picks up the phone between 12 and 1, and the voicemail box is full.", themes: ["phone"] },
    { text: "Got put on hold mid-sentence without being asked.", themes: ["phone"] },
  ],
  greeting: [
    { text: "Stood at the window for several minutes before anyone looked up.", themes: ["greeting"] },
    { text: "The front desk didn't even say hello, just pushed a clipboard at me.", themes: ["greeting", "check-in"] },
    { text: "Check-in took 20 minutes because my forms were lost again.", themes: ["check-in"] },
    { text: "Nobody greeted us and we weren't sure if we were checked in.", themes: ["greeting", "check-in"] },
    { text: "Paperwork for new patients is long and nobody explained what was needed.", themes: ["check-in"] },
    { text: "Felt ignored at the desk while two staff members chatted.", themes: ["greeting"] },
  ],
  billing: [
    { text: "Got a bill for a visit my insurance should have covered and nobody could explain it.", themes: ["billing", "insurance"] },
    { text: "Was charged my copay twice. Took three calls to fix.", themes: ["billing", "phone"] },
    { text: "Nobody told me the cost up front. The statement was a shock.", themes: ["billing"] },
    { text: "Asked for an estimate and got a shrug. My acct #[number] still shows a balance I paid.", themes: ["billing"] },
    { text: "The billing office was patient and set up a payment plan for me.", themes: ["billing"] },
  ],
  privacy: [
    { text: "They said my test results out loud in front of the whole waiting room.", themes: ["wait-times", "privacy"] },
    { text: "The receptionist read my date of birth and reason for visit loudly at the window.", themes: ["privacy"] },
    { text: "My mother's information was discussed where everyone could hear.", themes: ["privacy"] },
  ],
  empathy: [
    { text: "The receptionist was rude and rolled her eyes when I asked a question.", themes: ["empathy"] },
    { text: "Felt rushed and dismissed at the desk. My concerns didn't seem to matter.", themes: ["empathy"] },
    { text: "Staff attitude at check-in needs work. Not welcoming at all.", themes: ["check-in", "empathy", "greeting"] },
    { text: "My son was upset and the desk staff raised her voice at him.", themes: ["de-escalation"] },
  ],
  praise: [
    { text: "Front desk was friendly and quick. Great experience.", themes: ["empathy"] },
    { text: "Hi [name], thank you for helping me sort out my insurance card!", themes: ["check-in", "insurance"] },
    { text: "Everyone was kind and the visit was on time.", themes: ["empathy"] },
    { text: "Love this office. Dr. [name] listens and the staff are warm.", themes: ["empathy"] },
    { text: "Quick check-in, clean office, no complaints.", themes: ["check-in", "feedback"] },
    { text: "The receptionist remembered my name and asked about my new job. Small thing, big difference.", themes: ["greeting"] },
    { text: "Called with a question and got a clear answer right away.", themes: ["phone"] },
    { text: "They told me the doctor was running late and offered to reschedule. Appreciated the heads-up.", themes: ["wait-times", "scheduling"] },
    { text: "Very helpful with my Spanish-speaking father, they had an interpreter on the line.", themes: ["language-access"] },
    { text: "Easy to get an appointment and the reminder call was helpful.", themes: ["scheduling", "phone"] },
  ],
  none: [{ text: "", themes: [] }],
};

const SOURCES = ["Google review", "Post-visit survey", "Post-visit survey", "Post-visit survey", "Comment card", "Phone call", "Google review"];

interface Weights {
  wait: number;
  phone: number;
  greeting: number;
  billing: number;
  privacy: number;
  empathy: number;
  praise: number;
  none: number;
}

/** How likely each kind of feedback is, `daysAgo` days before the seed's "now". */
function weightsAt(daysAgo: number): Weights {
  // "The phone" went to the receptionists 60 days ago; "First impressions" to everyone 95 days ago.
  // The effect builds over the first weeks as people take the lessons.
  const ramp = (rolloutDaysAgo: number) => Math.min(1, Math.max(0, (rolloutDaysAgo - daysAgo) / 21));
  const phone = 0.22 - 0.19 * ramp(60);
  const greeting = 0.14 - 0.11 * ramp(95);
  return { wait: 0.22, phone, greeting, billing: 0.08, privacy: 0.03, empathy: 0.06, praise: 0.2 + (0.22 - phone) + (0.14 - greeting), none: 0.06 };
}

function pick<T>(rand: () => number, list: T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function countMarks(text: string): RedactionCounts {
  const counts: RedactionCounts = {};
  for (const kind of REDACTION_KINDS) {
    const n = text.split(`[${kind}]`).length - 1;
    if (n > 0) counts[kind] = n;
  }
  return counts;
}

function ratingFor(kind: Kind, rand: () => number): number {
  if (kind === "praise") return rand() < 0.7 ? 5 : 4;
  if (kind === "none") return pick(rand, [3, 4, 5, 5]);
  return pick(rand, [1, 1, 2, 2, 2, 3]);
}

const day = 86_400_000;

export async function seedDemoFeedback(db: DB, catalog: Catalog, now: Date, rand: () => number): Promise<void> {
  const manager = await db.selectFrom("user").select("id").where("email", "=", "manager@demo.test").executeTakeFirstOrThrow();
  const locations = await db.selectFrom("location").select(["id", "name"]).orderBy("name").execute();
  const maple = locations.find((l) => l.name === "Maple Street")?.id ?? null;
  const riverside = locations.find((l) => l.name === "Riverside")?.id ?? null;
  await db.transaction().execute(async (trx) => {
    // One import a month, as a manager would bring in each month's survey and review exports.
    let importId: number | null = null;
    for (let daysAgo = 270; daysAgo >= 1; daysAgo--) {
      if (daysAgo % 30 === 0 || importId === null) {
        const importedAt = new Date(now.getTime() - Math.max(0, daysAgo - 30) * day).toISOString();
        const row = await trx
          .insertInto("feedback_import")
          .values({ request_id: randomUUID(), rows: 0, created_by: manager.id, created_at: importedAt })
          .returning("id")
          .executeTakeFirstOrThrow();
        importId = row.id;
      }
      const receivedOn = new Date(now.getTime() - daysAgo * day).toISOString().slice(0, 10);
      const count = rand() < 0.2 ? 0 : rand() < 0.6 ? 1 : rand() < 0.8 ? 2 : 3;
      for (let i = 0; i < count; i++) {
        const w = weightsAt(daysAgo);
        let roll = rand() * Object.values(w).reduce((s, x) => s + x, 0);
        let kind: Kind = "praise";
        for (const [k, weight] of Object.entries(w) as [Kind, number][]) {
          roll -= weight;
          if (roll <= 0) {
            kind = k;
            break;
          }
        }
        const comment = pick(rand, DEMO_COMMENTS[kind]).text;
        const where = rand();
        await trx
          .insertInto("feedback_item")
          .values({
            received_on: receivedOn,
            source: pick(rand, SOURCES),
            rating: ratingFor(kind, rand),
            comment,
            redactions: JSON.stringify(countMarks(comment)),
            location_id: where < 0.55 ? maple : where < 0.92 ? riverside : null,
            import_id: importId,
            request_id: null,
            created_by: manager.id,
            created_at: new Date(now.getTime() - Math.max(0, daysAgo - 25) * day).toISOString(),
          })
          .execute();
        await trx
          .updateTable("feedback_import")
          .set((eb) => ({ rows: eb("rows", "+", 1) }))
          .where("id", "=", importId)
          .execute();
      }
    }
    await trx
      .insertInto("learning_settings")
      .values({ id: 1, monthly_lesson_goal: 40, rankings_enabled: 0, updated_at: now.toISOString(), updated_by: manager.id })
      .execute();
  });
  await seedReviewHistory(db, catalog, now, rand);
}

/**
 * Daily-review answers for the questions people missed in their seeded quiz attempts, as if each
 * came back on schedule (sometimes a day or two late) and was answered right about three times in four.
 */
async function seedReviewHistory(db: DB, catalog: Catalog, now: Date, rand: () => number): Promise<void> {
  const attempts = await db.selectFrom("quiz_attempt").select(["user_id", "lesson_slug", "answers", "submitted_at"]).orderBy("submitted_at").execute();
  await db.transaction().execute(async (trx) => {
    for (const attempt of attempts) {
      const lesson = catalog.lesson(attempt.lesson_slug);
      if (!lesson?.quiz) continue;
      const answers = parseStoredAnswers(attempt.answers);
      for (const q of gradeQuiz(lesson.quiz, answers).questions) {
        if (q.correct) continue;
        let at = new Date(attempt.submitted_at).getTime();
        let step = 0;
        for (;;) {
          const due = at + ((REVIEW_INTERVALS[step] ?? 1) + Math.floor(rand() * 2)) * day + 3 * 3_600_000;
          if (due > now.getTime() - 3_600_000) break;
          const correct = rand() < 0.75;
          const right = q.choices.filter((c) => c.correct).map((c) => c.id);
          const wrong = q.choices.filter((c) => !c.correct).map((c) => c.id).slice(0, 1);
          await trx
            .insertInto("review_answer")
            .values({
              user_id: attempt.user_id,
              lesson_slug: lesson.slug,
              question_id: q.id,
              answers: JSON.stringify(correct ? right : wrong),
              correct: correct ? 1 : 0,
              answered_at: new Date(due).toISOString(),
              request_id: randomUUID(),
            })
            .execute();
          at = due;
          if (!correct) step = 0;
          else if (step === REVIEW_INTERVALS.length - 1) break;
          else step++;
        }
      }
    }
  });
}
