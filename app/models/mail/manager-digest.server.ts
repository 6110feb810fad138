// The manager digest, weekly: who is overdue now, who finished which assigned training last week
// (Monday to Sunday), and last week's patient-feedback themes. Each manager gets what the
// manager's pages show them and no more: the figures come from the same scoped functions as the
// progress matrix, the monthly summary and the feedback page, so a manager limited to one
// location reads about that location's people and feedback only. Theme counts only, never a
// comment (comments are patients' words); names and titles, no scores.
//
// Sent to managers and owners (an owner does everything a manager does; each can turn it off for
// themselves). It goes even in a quiet week ("nothing overdue"), so that its silence never has to
// be read as a fault.
import { addDaysTo, isoWeekday } from "#app/rules/dates.ts";
import { formatRating } from "#app/rules/feedback.ts";
import { themeFigure, toAnalysisItems, type ThemeFigure } from "../feedback-insights.server.ts";
import { listFeedback } from "../feedback.server.ts";
import { scopeOf, type Actor } from "../sessions.server.ts";
import { listLocations } from "../team.server.ts";
import { finishedInPeriodBy, overdueNow, type FinishedByPerson } from "../team-progress.server.ts";
import { periodStart, WEEKDAYS, type ComposeContext, type MailKind, type Recipient } from "./kinds.server.ts";
import { escapeHtml, UNSUBSCRIBE_URL, type OutgoingMessage } from "./outbox.server.ts";

/** How many people each list names; the rest are counted, and the pages show them all. */
const OVERDUE_NAMED = 10;
const FINISHED_NAMED = 20;

export const managerDigest: MailKind = {
  kind: "manager-digest",
  label: "The weekly digest of your team's training",
  period: "week",
  audience: "manager",
  // On the week's first working day (Monday for most practices) from the morning hour. Off until
  // the practice turns it on: a practice that set up email for reminders does not start writing
  // to its managers about something new unasked.
  defaults: { enabled: false, hour: 8, workingDays: [...WEEKDAYS] },
  async *compose(context) {
    const { db } = context;
    const managers = await db
      .selectFrom("user")
      .select(["id", "role", "scope_location_id"])
      .where("status", "=", "active")
      .where("role", "in", ["manager", "owner"])
      .orderBy("id")
      .execute();
    if (managers.length === 0) return;
    const byId = new Map(managers.map((m) => [m.id, m]));
    const messages: OutgoingMessage[] = [];
    for (const person of await context.recipients(managers.map((m) => m.id))) {
      const row = byId.get(person.id);
      if (!row) continue;
      const actor: Actor = { id: row.id, role: row.role, scopeLocationId: scopeOf(row.role, row.scope_location_id) };
      messages.push(digestFor(person, await weekFor(actor, context), context));
    }
    yield messages;
  },
};

/** The week the digest is about: the last whole week (Monday to Sunday) before this one. */
export function digestWeek(today: string): { start: string; end: string } {
  const thisWeek = periodStart("week", today);
  return { start: addDaysTo(thisWeek, -7), end: addDaysTo(thisWeek, -1) };
}

interface Week {
  period: { start: string; end: string };
  /** The location a scoped manager sees, by name. */
  locationName: string | null;
  overdue: { items: number; behind: { name: string; overdue: number }[] };
  finished: { people: FinishedByPerson[]; peopleCount: number };
  feedback: { items: number; comments: number; themes: (ThemeFigure & { label: string })[] };
}

async function weekFor(actor: Actor, context: ComposeContext): Promise<Week> {
  const { db, catalog } = context;
  const period = digestWeek(context.today);
  const clock = { now: context.now, timeZone: context.timeZone };
  const [overdue, finished, stored, locations] = await Promise.all([
    overdueNow(db, actor, catalog, clock, OVERDUE_NAMED),
    finishedInPeriodBy(db, actor, catalog, period, clock, FINISHED_NAMED),
    listFeedback(db, actor, { since: period.start }),
    actor.scopeLocationId ? listLocations(db, actor) : Promise.resolve([]),
  ]);
  const items = toAnalysisItems(
    stored.filter((f) => f.receivedOn <= period.end),
    catalog,
  );
  const labels = new Map(catalog.skills.map((s) => [s.id, s.label]));
  const themes = catalog.themes
    .map((t) => ({ ...themeFigure(items, t.skill), label: labels.get(t.skill) ?? t.skill }))
    .filter((t) => t.items > 0)
    .sort((a, b) => b.items - a.items || a.label.localeCompare(b.label));
  return {
    period,
    locationName: locations[0]?.name ?? null,
    overdue: { items: overdue.overdue, behind: overdue.behind },
    finished,
    feedback: { items: items.length, comments: items.filter((i) => i.hasComment).length, themes },
  };
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function dayLabel(date: string): string {
  const [, m, d] = date.split("-").map(Number) as [number, number, number];
  return `${DAYS[isoWeekday(date) - 1]} ${MONTHS[m - 1]} ${d}`;
}
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function digestFor(person: Recipient, week: Week, context: ComposeContext): OutgoingMessage {
  const firstName = person.name.split(/\s+/)[0] || person.name;
  const { origin } = context;
  const span = `${dayLabel(week.period.start)} to ${dayLabel(week.period.end)}`;
  const where = week.locationName ? ` at ${week.locationName}` : "";
  const progress = `${origin}/manage/progress?state=overdue`;
  const feedbackPage = `${origin}/manage/feedback`;

  const overdueLines =
    week.overdue.items === 0
      ? ["Nothing assigned is overdue."]
      : [`${plural(week.overdue.items, "item")} overdue. Furthest behind:`, ...week.overdue.behind.map((b) => `- ${b.name}: ${b.overdue} overdue`), `Everyone overdue: ${progress}`];
  const finishedLine = (p: FinishedByPerson) => `${p.name}: ${p.items.map((i) => `${i.title}${i.late ? " (late)" : ""}`).join(", ")}`;
  const finishedRest = week.finished.peopleCount - week.finished.people.length;
  const finishedLines =
    week.finished.peopleCount === 0
      ? ["Nobody finished assigned training."]
      : [...week.finished.people.map((p) => `- ${finishedLine(p)}`), ...(finishedRest > 0 ? [`And ${plural(finishedRest, "more person", "more people")}.`] : [])];
  const themeLine = (t: Week["feedback"]["themes"][number]) => `${t.label}: ${t.items} of ${plural(t.total, "comment")}, average rating ${formatRating(t.averageRating)}`;
  const feedbackSummary =
    week.feedback.items === 0 ? "No patient feedback was recorded." : `${plural(week.feedback.items, "item")} of patient feedback, ${week.feedback.comments} with a comment.`;
  const feedbackLines = [
    feedbackSummary,
    ...(week.feedback.items > 0 && week.feedback.themes.length === 0 ? ["No comment mentioned a theme."] : []),
    ...week.feedback.themes.map((t) => `- ${themeLine(t)}`),
  ];

  const text = [
    `Hello ${firstName},`,
    "",
    `Your team's training${where}, for the week ${span}.`,
    "",
    "Overdue now",
    ...overdueLines,
    "",
    "Finished last week",
    ...finishedLines,
    "",
    "Patient feedback last week",
    ...feedbackLines,
    ...(week.feedback.items > 0 ? [`More: ${feedbackPage}`] : []),
    "",
    `You get this email because you manage training on DeskCoach. To stop this weekly digest: ${UNSUBSCRIBE_URL}`,
    "",
  ].join("\n");

  const h2 = (title: string) => `<h2 style="font-size: 1.1em">${escapeHtml(title)}</h2>`;
  const list = (lines: string[]) => (lines.length === 0 ? "" : `<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`);
  const html = [
    `<!doctype html><html lang="en"><body style="font-family: sans-serif; line-height: 1.5">`,
    `<p>Hello ${escapeHtml(firstName)},</p>`,
    `<p>Your team's training${escapeHtml(where)}, for the week ${escapeHtml(span)}.</p>`,
    h2("Overdue now"),
    week.overdue.items === 0
      ? `<p>Nothing assigned is overdue.</p>`
      : `<p>${escapeHtml(plural(week.overdue.items, "item"))} overdue. Furthest behind:</p>${list(week.overdue.behind.map((b) => `${b.name}: ${b.overdue} overdue`))}<p><a href="${escapeHtml(progress)}">Everyone overdue</a></p>`,
    h2("Finished last week"),
    week.finished.peopleCount === 0
      ? `<p>Nobody finished assigned training.</p>`
      : `${list(week.finished.people.map(finishedLine))}${finishedRest > 0 ? `<p>And ${escapeHtml(plural(finishedRest, "more person", "more people"))}.</p>` : ""}`,
    h2("Patient feedback last week"),
    `<p>${escapeHtml(feedbackSummary)}</p>`,
    week.feedback.items > 0 && week.feedback.themes.length === 0 ? `<p>No comment mentioned a theme.</p>` : "",
    list(week.feedback.themes.map(themeLine)),
    week.feedback.items > 0 ? `<p><a href="${escapeHtml(feedbackPage)}">Patient feedback</a></p>` : "",
    `<p style="color: #555; font-size: 0.9em">You get this email because you manage training on DeskCoach. `,
    `<a href="${UNSUBSCRIBE_URL}">Stop this weekly digest</a>.</p>`,
    `</body></html>`,
  ].join("");
  return {
    userId: person.id,
    to: person.email,
    kind: managerDigest.kind,
    localDate: periodStart(managerDigest.period, context.today),
    subject: `Your team's training, week of ${dayLabel(week.period.start)}`,
    text,
    html,
  };
}
