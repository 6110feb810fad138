// The staff reminder: once a day at most, what a person has overdue and what falls due in the next
// three days, with links to it. Nothing when nothing is due. Only the person's own assigned work
// (titles and dates): no patient information, nobody else's results.
import { addDaysTo } from "#app/rules/dates.ts";
import { isDone } from "#app/rules/item-states.ts";
import { itemInfo } from "../assignments.server.ts";
import { cellsOf, standings } from "../team-progress.server.ts";
import { escapeHtml, UNSUBSCRIBE_URL, type OutgoingMessage } from "./outbox.server.ts";
import { WEEKDAYS, type ComposeContext, type MailKind, type Recipient } from "./kinds.server.ts";

/** Items due within this many days from today are "coming up". */
export const DUE_SOON_DAYS = 3;
/** People composed for together: one query for their addresses and choices per batch. */
const BATCH = 500;

interface DueItem {
  title: string;
  dueOn: string;
  href: string;
}

export const staffReminder: MailKind = {
  kind: "staff-reminder",
  label: "Reminders of training that is due",
  period: "day",
  defaults: { enabled: true, hour: 8, workingDays: [...WEEKDAYS] },
  async *compose(context) {
    const { catalog, today } = context;
    const soon = addDaysTo(today, DUE_SOON_DAYS);
    // Everyone's assigned work as the manager's matrix sees it (team-progress.server.ts): the
    // states and due dates come from the one place that works them out.
    const all = await standings(context.db, catalog, { now: context.now, timeZone: context.timeZone });
    const due = new Map<number, { overdue: DueItem[]; soon: DueItem[] }>();
    for (const [userId, standing] of all) {
      const overdue: DueItem[] = [];
      const upcoming: DueItem[] = [];
      for (const cell of cellsOf(standing)) {
        if (isDone(cell.state)) continue;
        const [kind, slug] = cell.itemKey.split(":") as ["module" | "lesson", string];
        const info = itemInfo(catalog, { kind, slug });
        if (!info) continue;
        const item = { title: info.title, dueOn: cell.dueOn, href: `${context.origin}/learn` };
        if (cell.state === "overdue") overdue.push(item);
        else if (cell.dueOn >= today && cell.dueOn <= soon) upcoming.push(item);
      }
      if (overdue.length + upcoming.length > 0) due.set(userId, { overdue: overdue.sort(byDue), soon: upcoming.sort(byDue) });
    }
    const ids = [...due.keys()].sort((a, b) => a - b);
    for (let i = 0; i < ids.length; i += BATCH) {
      const recipients = await context.recipients(ids.slice(i, i + BATCH));
      yield recipients.map((r) => reminderFor(r, due.get(r.id) ?? { overdue: [], soon: [] }, context));
    }
  },
};

const byDue = (a: DueItem, b: DueItem) => a.dueOn.localeCompare(b.dueOn) || a.title.localeCompare(b.title);

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
function shortDate(date: string): string {
  const [, m, d] = date.split("-").map(Number) as [number, number, number];
  return `${MONTHS[m - 1]} ${d}`;
}

function reminderFor(person: Recipient, items: { overdue: DueItem[]; soon: DueItem[] }, context: ComposeContext): OutgoingMessage {
  const firstName = person.name.split(/\s+/)[0] || person.name;
  const learn = `${context.origin}/learn`;
  // Where a person turns each kind of email on or off for themselves.
  const choices = `${context.origin}/progress#emails`;
  const count = items.overdue.length + items.soon.length;
  const subject = items.overdue.length > 0 ? `Training overdue: ${count === 1 ? "1 item" : `${count} items`} on DeskCoach` : `Training due soon: ${count === 1 ? "1 item" : `${count} items`} on DeskCoach`;
  const textList = (list: DueItem[], word: string) => list.map((i) => `- ${i.title} (${word} ${shortDate(i.dueOn)})`).join("\n");
  const text = [
    `Hello ${firstName},`,
    "",
    ...(items.overdue.length > 0 ? ["Overdue:", textList(items.overdue, "was due"), ""] : []),
    ...(items.soon.length > 0 ? [`Due in the next ${DUE_SOON_DAYS} days:`, textList(items.soon, "due"), ""] : []),
    `Each lesson takes about five minutes. Start here: ${learn}`,
    "",
    `You get this email because training is assigned to you on DeskCoach. To stop these reminders: ${UNSUBSCRIBE_URL}`,
    `You can turn them back on from your progress page: ${choices}`,
    "",
  ].join("\n");
  const htmlList = (list: DueItem[], word: string) =>
    `<ul>${list.map((i) => `<li><a href="${escapeHtml(i.href)}">${escapeHtml(i.title)}</a> (${word} ${shortDate(i.dueOn)})</li>`).join("")}</ul>`;
  const html = [
    `<!doctype html><html lang="en"><body style="font-family: sans-serif; line-height: 1.5">`,
    `<p>Hello ${escapeHtml(firstName)},</p>`,
    items.overdue.length > 0 ? `<h2 style="font-size: 1.1em">Overdue</h2>${htmlList(items.overdue, "was due")}` : "",
    items.soon.length > 0 ? `<h2 style="font-size: 1.1em">Due in the next ${DUE_SOON_DAYS} days</h2>${htmlList(items.soon, "due")}` : "",
    `<p>Each lesson takes about five minutes. <a href="${escapeHtml(learn)}">Open DeskCoach</a></p>`,
    `<p style="color: #555; font-size: 0.9em">You get this email because training is assigned to you on DeskCoach. `,
    `<a href="${UNSUBSCRIBE_URL}">Stop these reminders</a>. You can turn them back on from <a href="${escapeHtml(choices)}">your progress page</a>.</p>`,
    `</body></html>`,
  ].join("");
  return { userId: person.id, to: person.email, kind: staffReminder.kind, localDate: context.today, subject, text, html };
}
