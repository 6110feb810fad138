// A question a day: the first question of the person's daily review on /learn (a question they
// missed before, come back by spaced review), with a link that opens the review. The selection is
// dailyReview's (review.server.ts; dailyReviews works out many people's at once) and nothing
// else: the email shows the same question the page does. The email only shows it; answering
// happens on the site, so opening the link changes nothing. Nothing is sent when nothing is due
// for review. Prompt and choices only: never the answer key, no patient information, nobody
// else's results.
import type { DB } from "#db/connection.ts";
import type { Catalog } from "../catalog.server.ts";
import { dailyReviews, type ReviewQuestionView } from "../review.server.ts";
import { yieldToRequests } from "../yield.server.ts";
import { periodStart, WEEKDAYS, type ComposeContext, type MailKind, type Recipient } from "./kinds.server.ts";
import { escapeHtml, UNSUBSCRIBE_URL, type OutgoingMessage } from "./outbox.server.ts";

/** People composed for together: one query for their addresses and choices per batch. */
const BATCH = 500;
/** Reviews worked out together: two queries for the group (dailyReviews). */
const REVIEWS_AT_ONCE = 50;

export const questionADay: MailKind = {
  kind: "question-a-day",
  label: "A question a day from lessons you took",
  period: "day",
  // Off until the practice turns it on: a daily email is a lot to start sending unasked, and a
  // practice chooses whether its staff should get one.
  defaults: { enabled: false, hour: 9, workingDays: [...WEEKDAYS] },
  async *compose(context) {
    const { db, catalog } = context;
    const quiet = nothingToReview(db, catalog, context.today, context.timeZone);
    // Only someone who has taken a quiz can have missed a question.
    const ids = (await db.selectFrom("quiz_attempt").select("user_id").distinct().orderBy("user_id").execute()).map((r) => r.user_id).filter((id) => !quiet.has(id));
    for (let i = 0; i < ids.length; i += BATCH) {
      const messages: OutgoingMessage[] = [];
      const recipients = await context.recipients(ids.slice(i, i + BATCH));
      for (let j = 0; j < recipients.length; j += REVIEWS_AT_ONCE) {
        // The server answers what waits between each group's reviews.
        if (j > 0) await yieldToRequests();
        const group = recipients.slice(j, j + REVIEWS_AT_ONCE);
        const reviews = await dailyReviews(db, group.map((p) => p.id), catalog, { now: context.now, timeZone: context.timeZone });
        for (const person of group) {
          const review = reviews.get(person.id);
          const [question] = review?.questions ?? [];
          if (review && question) messages.push(questionFor(person, question, review.questions.length, context));
          else quiet.add(person.id);
        }
      }
      yield messages;
    }
  },
};

/**
 * Who had nothing to review today, per database, so that a round a minute does not ask again all
 * day. Sound because nothing becomes due later in the day it was checked on: a question missed or
 * answered wrong today comes back tomorrow at the earliest (REVIEW_INTERVALS start at one day),
 * and answering only empties the review. A new day, library or time zone starts afresh.
 */
const quietPeople = new WeakMap<object, { key: string; catalog: Catalog; ids: Set<number> }>();
function nothingToReview(db: DB, catalog: Catalog, today: string, timeZone: string): Set<number> {
  const key = `${today}|${timeZone}`;
  const kept = quietPeople.get(db);
  if (kept && kept.key === key && kept.catalog === catalog) return kept.ids;
  const fresh = { key, catalog, ids: new Set<number>() };
  quietPeople.set(db, fresh);
  return fresh.ids;
}

/** Where the question is answered: the daily review on /learn, which shows it first. */
export function reviewLink(origin: string): string {
  return `${origin}/learn#review`;
}

function questionFor(person: Recipient, question: ReviewQuestionView, dueToday: number, context: ComposeContext): OutgoingMessage {
  const firstName = person.name.split(/\s+/)[0] || person.name;
  const link = reviewLink(context.origin);
  const hint = question.type === "multiple" ? " (Choose all that apply.)" : "";
  const more = dueToday - 1;
  const moreText = more > 0 ? `${more === 1 ? "One more question waits" : `${more} more questions wait`} in today's review.` : "";
  const text = [
    `Hello ${firstName},`,
    "",
    `Today's question, from "${question.lessonTitle}":`,
    "",
    `${question.prompt}${hint}`,
    ...question.choices.map((c) => `- ${c.text}`),
    "",
    `Answer it on DeskCoach: ${link}`,
    ...(moreText ? [moreText] : []),
    "",
    `You get this email because your practice sends a question a day from lessons you took. To stop these questions: ${UNSUBSCRIBE_URL}`,
    "",
  ].join("\n");
  const html = [
    `<!doctype html><html lang="en"><body style="font-family: sans-serif; line-height: 1.5">`,
    `<p>Hello ${escapeHtml(firstName)},</p>`,
    `<p>Today's question, from “${escapeHtml(question.lessonTitle)}”:</p>`,
    `<p><strong>${escapeHtml(question.prompt)}</strong>${escapeHtml(hint)}</p>`,
    `<ul>${question.choices.map((c) => `<li>${escapeHtml(c.text)}</li>`).join("")}</ul>`,
    `<p><a href="${escapeHtml(link)}">Answer it on DeskCoach</a></p>`,
    moreText ? `<p>${escapeHtml(moreText)}</p>` : "",
    `<p style="color: #555; font-size: 0.9em">You get this email because your practice sends a question a day from lessons you took. `,
    `<a href="${UNSUBSCRIBE_URL}">Stop these questions</a>.</p>`,
    `</body></html>`,
  ].join("");
  return {
    userId: person.id,
    to: person.email,
    kind: questionADay.kind,
    localDate: periodStart(questionADay.period, context.today),
    subject: `Today's question, from “${question.lessonTitle}”`,
    text,
    html,
  };
}
