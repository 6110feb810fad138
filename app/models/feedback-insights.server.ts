// What the feedback says: themes by month and quarter, the themes patients complain about most
// (with the modules that teach them), and, for each module rolled out, whether its themes moved.
// Comments are matched to themes on read, so edited rules apply to everything stored.
//
// The figures, everywhere: a theme's *share* is the comments that mention it over all comments
// in the period (feedback without a comment cannot mention anything); its *average rating* is over
// the items that mention it. Each figure carries the counts behind it, so three comments are
// never read as a trend.
import type { DB } from "#db/connection.ts";
import { COMPLAINT_RATING, IMPACT_WINDOW_DAYS } from "#app/rules/feedback.ts";
import type { Catalog } from "./catalog.server.ts";
import { listAssignments } from "./assignments.server.ts";
import { localDate } from "./clock.server.ts";
import { addDaysTo, addMonthsTo, daysBetween } from "#app/rules/dates.ts";
import type { StoredFeedback } from "./feedback.server.ts";
import type { Actor } from "./sessions.server.ts";
import { listLocations } from "./team.server.ts";
import { compileThemes, matchThemes } from "./themes.ts";

export interface AnalysisItem {
  receivedOn: string;
  rating: number;
  locationId: number | null;
  hasComment: boolean;
  themes: string[];
}

export function toAnalysisItems(items: Pick<StoredFeedback, "receivedOn" | "rating" | "locationId" | "comment">[], catalog: Pick<Catalog, "themes">): AnalysisItem[] {
  const themes = compileThemes(catalog.themes);
  return items.map((i) => ({
    receivedOn: i.receivedOn,
    rating: i.rating,
    locationId: i.locationId,
    hasComment: i.comment.replace(/\[(?:name|phone|email|date|number|address)\]/g, "").trim() !== "",
    themes: matchThemes(themes, i.comment),
  }));
}

export interface ThemeFigure {
  /** Items that mention the theme. */
  items: number;
  /** Items with a comment in the period: the share's denominator. */
  total: number;
  /** items / total, or null when there were no comments. */
  share: number | null;
  /** Mean rating of the items that mention the theme, or null when there are none. */
  averageRating: number | null;
}

export function themeFigure(items: AnalysisItem[], skill: string): ThemeFigure {
  const withComment = items.filter((i) => i.hasComment);
  const themed = withComment.filter((i) => i.themes.includes(skill));
  const sum = themed.reduce((s, i) => s + i.rating, 0);
  return {
    items: themed.length,
    total: withComment.length,
    share: withComment.length === 0 ? null : themed.length / withComment.length,
    averageRating: themed.length === 0 ? null : sum / themed.length,
  };
}

/**
 * A comment with a complaint theme: a comment that mentions a theme and is rated COMPLAINT_RATING
 * or lower (the low-rated mentions topThemes counts). A theme is a topic; the rating makes it a complaint.
 */
export function isThemedComplaint(item: AnalysisItem): boolean {
  return item.hasComment && item.themes.length > 0 && item.rating <= COMPLAINT_RATING;
}

export interface FeedbackFigures {
  /** Items received: the average rating's count. */
  items: number;
  averageRating: number | null;
  /** Items with a comment: the complaint share's denominator (feedback without a comment cannot complain about anything). */
  comments: number;
  /** Comments with a complaint theme. */
  complaints: number;
}

/** The figures of a set of items (one month's, on the outcomes page): the average rating of all of them, and how many comments have a complaint theme. */
export function feedbackFigures(items: AnalysisItem[]): FeedbackFigures {
  const comments = items.filter((i) => i.hasComment);
  return {
    items: items.length,
    averageRating: items.length === 0 ? null : items.reduce((s, i) => s + i.rating, 0) / items.length,
    comments: comments.length,
    complaints: comments.filter(isThemedComplaint).length,
  };
}

const inRange = (items: AnalysisItem[], from: string, to: string) => items.filter((i) => i.receivedOn >= from && i.receivedOn <= to);

// ---------------------------------------------------------------------------------------------
// Calendar quarters

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface Period {
  from: string;
  to: string;
  label: string;
}

/** The calendar quarter holding `date`, and its label ("Q1 2026"). */
export function quarterOf(date: string): Period {
  const year = Number(date.slice(0, 4));
  const q = Math.floor((Number(date.slice(5, 7)) - 1) / 3);
  const from = `${year}-${String(q * 3 + 1).padStart(2, "0")}-01`;
  return { from, to: addDaysTo(addMonthsTo(from, 3), -1), label: `Q${q + 1} ${year}` };
}

export function monthLabel(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

export interface ThemeRow {
  skill: string;
  label: string;
  months: ThemeFigure[];
  lastQuarter: ThemeFigure;
  thisQuarter: ThemeFigure;
}

export interface ThemeTable {
  months: { key: string; label: string; future: boolean }[];
  lastQuarter: Period & { items: number; comments: number; averageRating: number | null };
  thisQuarter: Period & { items: number; comments: number; averageRating: number | null; daysSoFar: number };
  rows: ThemeRow[];
}

/** Every theme, month by month over the last quarter and this one, most mentioned this quarter first. */
export function themeTable(items: AnalysisItem[], themes: { skill: string; label: string }[], today: string): ThemeTable {
  const current = quarterOf(today);
  const last = quarterOf(addDaysTo(current.from, -1));
  const months = Array.from({ length: 6 }, (_, i) => addMonthsTo(last.from, i).slice(0, 7));
  const period = (from: string, to: string) => {
    const inside = inRange(items, from, to);
    const sum = inside.reduce((s, i) => s + i.rating, 0);
    return { items: inside.length, comments: inside.filter((i) => i.hasComment).length, averageRating: inside.length ? sum / inside.length : null };
  };
  const rows = themes.map((t) => ({
    skill: t.skill,
    label: t.label,
    months: months.map((m) => themeFigure(inRange(items, `${m}-01`, addDaysTo(addMonthsTo(`${m}-01`, 1), -1)), t.skill)),
    lastQuarter: themeFigure(inRange(items, last.from, last.to), t.skill),
    thisQuarter: themeFigure(inRange(items, current.from, current.to), t.skill),
  }));
  rows.sort((a, b) => b.thisQuarter.items - a.thisQuarter.items || b.lastQuarter.items - a.lastQuarter.items || a.label.localeCompare(b.label));
  return {
    months: months.map((key) => ({ key, label: monthLabel(key), future: `${key}-01` > today })),
    lastQuarter: { ...last, ...period(last.from, last.to) },
    thisQuarter: { ...current, ...period(current.from, current.to), daysSoFar: daysBetween(current.from, today) + 1 },
    rows,
  };
}

// ---------------------------------------------------------------------------------------------
// What patients complain about, and what to teach

export interface TopTheme {
  skill: string;
  label: string;
  /** Mentions rated COMPLAINT_RATING or lower in the window. */
  complaints: number;
  mentions: number;
  averageRating: number | null;
  /** Where the complaints came from: location id (null: no location) → count. */
  byLocation: { locationId: number | null; count: number }[];
}

/** The themes with the most low-rated mentions in the last `days` days. */
export function topThemes(
  items: AnalysisItem[],
  themes: { skill: string; label: string }[],
  today: string,
  { days = IMPACT_WINDOW_DAYS, limit = 3 } = {},
): TopTheme[] {
  const recent = inRange(items, addDaysTo(today, -(days - 1)), today);
  return themes
    .map((t) => {
      const mentions = recent.filter((i) => i.themes.includes(t.skill));
      const complaints = mentions.filter((i) => i.rating <= COMPLAINT_RATING);
      const byLocation = new Map<number | null, number>();
      for (const c of complaints) byLocation.set(c.locationId, (byLocation.get(c.locationId) ?? 0) + 1);
      return {
        skill: t.skill,
        label: t.label,
        complaints: complaints.length,
        mentions: mentions.length,
        averageRating: mentions.length ? mentions.reduce((s, i) => s + i.rating, 0) / mentions.length : null,
        byLocation: [...byLocation.entries()].map(([locationId, count]) => ({ locationId, count })).sort((a, b) => b.count - a.count),
      };
    })
    .filter((t) => t.complaints > 0)
    .sort((a, b) => b.complaints - a.complaints || (a.averageRating ?? 5) - (b.averageRating ?? 5) || a.label.localeCompare(b.label))
    .slice(0, limit);
}

export interface ModuleForSkill {
  slug: string;
  title: string;
  /** Lessons in the module that carry the skill. */
  lessons: number;
  totalLessons: number;
}

/** Modules whose lessons carry the skill, the ones that teach it most first. */
export function modulesForSkill(catalog: Pick<Catalog, "modules">, skill: string): ModuleForSkill[] {
  return catalog.modules
    .map((m) => ({ slug: m.slug, title: m.title, lessons: m.lessons.filter((l) => l.skills.includes(skill)).length, totalLessons: m.lessons.length }))
    .filter((m) => m.lessons > 0)
    .sort((a, b) => b.lessons - a.lessons || a.title.localeCompare(b.title));
}

/**
 * The group to suggest for a theme's training: the location most complaints came from when it has
 * at least two thirds of them (and the actor manages more than one location), else everyone.
 */
export function suggestedTarget(theme: Pick<TopTheme, "complaints" | "byLocation">, locationIds: number[]): { kind: "everyone" } | { kind: "location"; locationId: number } {
  if (locationIds.length < 2) return { kind: "everyone" };
  const top = theme.byLocation[0];
  if (top && top.locationId !== null && locationIds.includes(top.locationId) && top.count * 3 >= theme.complaints * 2) {
    return { kind: "location", locationId: top.locationId };
  }
  return { kind: "everyone" };
}

// ---------------------------------------------------------------------------------------------
// Did it work?

export interface Window extends ThemeFigure {
  from: string;
  to: string;
  days: number;
}

export interface BeforeAfter {
  before: Window;
  after: Window & { complete: boolean };
}

/**
 * A theme's figures in the `days` days before `pivot` (the rollout date, not included) and in the
 * `days` days from it, or up to today while those are not over yet.
 */
export function beforeAfter(items: AnalysisItem[], skill: string, pivot: string, today: string, days = IMPACT_WINDOW_DAYS): BeforeAfter {
  const beforeFrom = addDaysTo(pivot, -days);
  const beforeTo = addDaysTo(pivot, -1);
  const afterEnd = addDaysTo(pivot, days - 1);
  const afterTo = afterEnd < today ? afterEnd : today;
  return {
    before: { ...themeFigure(inRange(items, beforeFrom, beforeTo), skill), from: beforeFrom, to: beforeTo, days },
    after: {
      ...themeFigure(inRange(items, pivot, afterTo), skill),
      from: pivot,
      to: afterTo,
      days: Math.max(0, daysBetween(pivot, afterTo) + 1),
      complete: afterEnd <= today,
    },
  };
}

export interface Rollout {
  assignmentId: number;
  moduleSlug: string;
  moduleTitle: string;
  on: string;
  target: string;
  people: number;
  themes: ({ skill: string; label: string } & BeforeAfter)[];
}

/**
 * Each module given to a group (not one person) in the last year, with the before/after figures of
 * every theme its lessons carry. An assignment aimed at one location is measured on that
 * location's feedback.
 */
export async function rollouts(
  db: DB,
  actor: Actor,
  catalog: Pick<Catalog, "modules" | "themes" | "skills">,
  items: (AnalysisItem & { locationId: number | null })[],
  context: { today: string; timeZone: string },
): Promise<Rollout[]> {
  const [assignments, locations] = await Promise.all([listAssignments(db, actor), listLocations(db, actor)]);
  const locationId = new Map(locations.map((l) => [l.name, l.id]));
  const themed = new Set(catalog.themes.map((t) => t.skill));
  const labels = new Map(catalog.skills.map((s) => [s.id, s.label]));
  const since = addDaysTo(context.today, -365);
  const result: Rollout[] = [];
  for (const a of assignments) {
    if (!a.moduleSlug || a.targetUserId !== null) continue;
    const module = catalog.modules.find((m) => m.slug === a.moduleSlug);
    if (!module) continue;
    const on = localDate(a.createdAt, context.timeZone);
    if (on < since) continue;
    const place = a.targetLocationName ? (locationId.get(a.targetLocationName) ?? -1) : null;
    const scoped = place === null ? items : items.filter((i) => i.locationId === place);
    const skills = [...new Set(module.lessons.flatMap((l) => l.skills))].filter((s) => themed.has(s));
    result.push({
      assignmentId: a.id,
      moduleSlug: module.slug,
      moduleTitle: module.title,
      on,
      target: describeGroup(a),
      people: a.people,
      themes: skills.map((skill) => ({ skill, label: labels.get(skill) ?? skill, ...beforeAfter(scoped, skill, on, context.today) })),
    });
  }
  return result;
}

export function describeGroup(a: { targetJobTitle: string | null; targetLocationName: string | null }): string {
  if (a.targetJobTitle && a.targetLocationName) return `${a.targetJobTitle}s at ${a.targetLocationName}`;
  if (a.targetJobTitle) return `every ${a.targetJobTitle}`;
  if (a.targetLocationName) return `everyone at ${a.targetLocationName}`;
  return "everyone";
}
