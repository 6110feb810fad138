// The owner summary, monthly: the figures of /owner/summary for the month just ended (spend
// against plan, completion, who is furthest behind, the outcome figures and the latest roll-out's
// before and after), as plain text and HTML. They come from practiceMonthlySummary and
// summaryOutcomes, the calls the page makes, so the email and the page say the same thing;
// the values are written as the page writes them. Sent to owners, on the month's first working
// day from the morning hour. Aggregates and the few names the page lists: nothing an owner does
// not see on the page, and no patient information.
import { addMonthsTo } from "#app/rules/dates.ts";
import { formatCents } from "#app/rules/money.ts";
import { summaryOutcomes, type SummaryOutcomes } from "../outcomes.server.ts";
import { practiceMonthlySummary, type MonthlySummary } from "../reports.server.ts";
import { periodStart, WEEKDAYS, type ComposeContext, type MailKind, type Recipient } from "./kinds.server.ts";
import { escapeHtml, UNSUBSCRIBE_URL, type OutgoingMessage } from "./outbox.server.ts";

export const ownerSummary: MailKind = {
  kind: "owner-summary",
  label: "The monthly summary of training and its cost",
  period: "month",
  audience: "owner",
  // Off until the practice turns it on, as the manager digest.
  defaults: { enabled: false, hour: 8, workingDays: [...WEEKDAYS] },
  async *compose(context) {
    const owners = await context.db.selectFrom("user").select("id").where("status", "=", "active").where("role", "=", "owner").orderBy("id").execute();
    if (owners.length === 0) return;
    const month = summaryMonth(context.today);
    const messages: OutgoingMessage[] = [];
    for (const person of await context.recipients(owners.map((o) => o.id))) {
      const owner = { id: person.id, role: "owner" as const, scopeLocationId: null };
      const summary = await practiceMonthlySummary(context.db, owner, context.catalog, month, context.now);
      const outcomes = await summaryOutcomes(context.db, owner, month, { today: context.today, timeZone: context.timeZone, catalog: context.catalog, now: context.now });
      messages.push(summaryFor(person, summary, outcomes, context));
    }
    yield messages;
  },
};

/** The month the summary is about (YYYY-MM): the one before this month. */
export function summaryMonth(today: string): string {
  return addMonthsTo(periodStart("month", today), -1).slice(0, 7);
}

/** The summary's figures as label and value, the values written as /owner/summary writes them. */
export function summaryFigures(s: MonthlySummary): { money: [string, string][]; categories: [string, string][]; learning: [string, string][]; behind: string[] } {
  const done = s.completion.onTime + s.completion.late;
  const percent = (n: number | null) => (n === null ? "—" : `${n}%`);
  return {
    money: [
      ["Spent this month", `${formatCents(s.spendCents)} (plan: about ${formatCents(s.monthPlanCents)} a month)`],
      ["Year to date", `${formatCents(s.budget.total.actualCents)} of ${formatCents(s.budget.total.plannedCents)} planned`],
      ["Projected for the year", `${formatCents(s.budget.projectedCents)} · ${s.budget.overshootCents > 0 ? `${formatCents(s.budget.overshootCents)} over plan` : "within plan"}`],
    ],
    categories: s.spend.map((x) => [x.label, formatCents(x.cents)]),
    learning: [
      ["Lessons completed", `${s.completion.total.completions} by ${s.completion.total.learners} people`],
      ["Time learning", `${(s.learningSeconds / 3600).toFixed(1)} hours`],
      ["Average quiz score", percent(s.completion.total.averageScore)],
      ["Passed on first try", percent(s.completion.total.firstAttemptPassRate)],
      ["Assigned work done on time", done === 0 ? "—" : `${s.completion.onTime} of ${done}`],
      ["Overdue now", String(s.overdueNow)],
    ],
    behind: s.behind.map((b) => `${b.name}: ${b.overdue} overdue`),
  };
}

function monthName(month: string): string {
  return new Date(`${month}-15T00:00:00Z`).toLocaleString("en-US", { month: "long", year: "numeric", timeZone: "UTC" });
}

/** The outcome figures and the latest before and after, as /owner/summary shows them. */
function outcomeLines(o: SummaryOutcomes): { figures: [string, string][]; since: string | null; changes: string[] } {
  return {
    figures: o.figures.map((f) => [f.label, String(f.value)]),
    since: o.rollout ? `Since ${o.rollout.title} (${o.rollout.on})` : null,
    changes: o.rollout ? o.rollout.changes.map((c) => `${c.label}: ${c.text}`) : [],
  };
}

const CAVEAT = "What moved alongside training, not proof that training moved it.";

function summaryFor(person: Recipient, summary: MonthlySummary, outcomes: SummaryOutcomes, context: ComposeContext): OutgoingMessage {
  const firstName = person.name.split(/\s+/)[0] || person.name;
  const name = monthName(summary.month);
  const page = `${context.origin}/owner/summary?month=${summary.month}`;
  const f = summaryFigures(summary);
  const o = outcomeLines(outcomes);
  const pairs = (list: [string, string][]) => list.map(([label, value]) => `${label}: ${value}`);
  const text = [
    `Hello ${firstName},`,
    "",
    `Training at your practice in ${name} (${summary.period.start} to ${summary.period.end}).`,
    "",
    "Money",
    ...pairs(f.money),
    ...(f.categories.length > 0 ? ["Spend this month by category:", ...f.categories.map(([label, value]) => `- ${label}: ${value}`)] : ["No spend recorded this month."]),
    "",
    "Learning",
    ...pairs(f.learning),
    ...(f.behind.length > 0 ? ["Furthest behind:", ...f.behind.map((b) => `- ${b}`)] : []),
    "",
    "Outcomes",
    ...(o.figures.length > 0 ? pairs(o.figures) : ["No outcome figures for this month."]),
    ...(o.since ? [`${o.since}:`, ...o.changes.map((c) => `- ${c}`), CAVEAT] : []),
    "",
    `The summary on DeskCoach, to print: ${page}`,
    "",
    `You get this email because you own this practice's DeskCoach. To stop this monthly summary: ${UNSUBSCRIBE_URL}`,
    "",
  ].join("\n");
  const h2 = (title: string) => `<h2 style="font-size: 1.1em">${escapeHtml(title)}</h2>`;
  const table = (caption: string, list: [string, string][]) =>
    `<table style="border-collapse: collapse"><caption style="text-align: left">${escapeHtml(caption)}</caption><tbody>${list
      .map(([label, value]) => `<tr><th scope="row" style="text-align: left; padding: 2px 12px 2px 0">${escapeHtml(label)}</th><td style="padding: 2px 0">${escapeHtml(value)}</td></tr>`)
      .join("")}</tbody></table>`;
  const html = [
    `<!doctype html><html lang="en"><body style="font-family: sans-serif; line-height: 1.5">`,
    `<p>Hello ${escapeHtml(firstName)},</p>`,
    `<p>Training at your practice in ${escapeHtml(name)} (${escapeHtml(summary.period.start)} to ${escapeHtml(summary.period.end)}).</p>`,
    h2("Money"),
    table("Money", f.money),
    f.categories.length > 0 ? table("Spend this month by category", f.categories) : `<p>No spend recorded this month.</p>`,
    h2("Learning"),
    table("Learning", f.learning),
    f.behind.length > 0 ? `<p>Furthest behind:</p><ul>${f.behind.map((b) => `<li>${escapeHtml(b)}</li>`).join("")}</ul>` : "",
    h2("Outcomes"),
    o.figures.length > 0 ? table("Outcomes", o.figures) : `<p>No outcome figures for this month.</p>`,
    o.since ? `<p>${escapeHtml(o.since)}:</p><ul>${o.changes.map((c) => `<li>${escapeHtml(c)}</li>`).join("")}</ul><p>${escapeHtml(CAVEAT)}</p>` : "",
    `<p><a href="${escapeHtml(page)}">The summary on DeskCoach, to print</a></p>`,
    `<p style="color: #555; font-size: 0.9em">You get this email because you own this practice's DeskCoach. `,
    `<a href="${UNSUBSCRIBE_URL}">Stop this monthly summary</a>.</p>`,
    `</body></html>`,
  ].join("");
  return {
    userId: person.id,
    to: person.email,
    kind: ownerSummary.kind,
    localDate: periodStart(ownerSummary.period, context.today),
    subject: `Training in ${name}: the monthly summary`,
    text,
    html,
  };
}
