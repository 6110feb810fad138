// A learner's own progress: lesson states for /learn and the record on /progress.
import type { DB } from "#db/connection.ts";
import { precompiled } from "#db/precompiled.ts";
import type { Catalog } from "./catalog.server.ts";
import { localDate } from "./clock.server.ts";

export type LessonStatus = "done" | "in-progress" | "not-started";

export interface LessonProgress {
  status: LessonStatus;
  attempts: number;
  bestScore: number | null;
  completedAt: string | null;
}

/** Per lesson slug, what this learner has done. Lessons never touched are absent. */
export async function lessonProgress(db: DB, userId: number): Promise<Map<string, LessonProgress>> {
  const [attempts, completions, visits] = await Promise.all([
    db
      .selectFrom("quiz_attempt")
      .select(["lesson_slug", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.max("score").as("best")])
      .where("user_id", "=", userId)
      .groupBy("lesson_slug")
      .execute(),
    db
      .selectFrom("completion")
      .select(["lesson_slug", (eb) => eb.fn.min("completed_at").as("first")])
      .where("user_id", "=", userId)
      .groupBy("lesson_slug")
      .execute(),
    db.selectFrom("lesson_visit").select("lesson_slug").where("user_id", "=", userId).execute(),
  ]);
  const result = new Map<string, LessonProgress>();
  const get = (slug: string) => {
    let p = result.get(slug);
    if (!p) {
      p = { status: "in-progress", attempts: 0, bestScore: null, completedAt: null };
      result.set(slug, p);
    }
    return p;
  };
  for (const v of visits) get(v.lesson_slug);
  for (const a of attempts) {
    const p = get(a.lesson_slug);
    p.attempts = Number(a.n);
    p.bestScore = a.best === null ? null : Number(a.best);
  }
  for (const c of completions) {
    const p = get(c.lesson_slug);
    p.status = "done";
    p.completedAt = c.first;
  }
  return result;
}

/**
 * One learner's progress on one lesson: what the lesson page shows. The same answer as
 * `lessonProgress(db, userId).get(lessonSlug)`, in one query over that lesson's rows only, where
 * the library-wide version reads every attempt and completion the learner ever made.
 */
// Every lesson page asks this: compiled once.
const oneLessonProgress = precompiled((db: DB, { userId, lessonSlug }: { userId: number; lessonSlug: string }) =>
  db.selectNoFrom((eb) => [
    eb
      .selectFrom("quiz_attempt")
      .select((sub) => sub.fn.countAll<number>().as("n"))
      .where("user_id", "=", userId)
      .where("lesson_slug", "=", lessonSlug)
      .as("attempts"),
    eb
      .selectFrom("quiz_attempt")
      .select((sub) => sub.fn.max("score").as("best"))
      .where("user_id", "=", userId)
      .where("lesson_slug", "=", lessonSlug)
      .as("best_score"),
    eb
      .selectFrom("completion")
      .select((sub) => sub.fn.min("completed_at").as("first"))
      .where("user_id", "=", userId)
      .where("lesson_slug", "=", lessonSlug)
      .as("completed_at"),
    eb
      .exists(eb.selectFrom("lesson_visit").select("lesson_slug").where("user_id", "=", userId).where("lesson_slug", "=", lessonSlug))
      .as("visited"),
  ]),
);

export async function lessonProgressFor(db: DB, userId: number, lessonSlug: string): Promise<LessonProgress | undefined> {
  const [row] = await oneLessonProgress(db, { userId, lessonSlug });
  if (!row) return undefined;
  const attempts = Number(row.attempts ?? 0);
  const completedAt = row.completed_at ?? null;
  if (!completedAt && attempts === 0 && !row.visited) return undefined;
  return {
    status: completedAt ? "done" : "in-progress",
    attempts,
    bestScore: row.best_score === null || row.best_score === undefined ? null : Number(row.best_score),
    completedAt,
  };
}

export interface LibraryModule {
  slug: string;
  title: string;
  summary: string;
  done: number;
  total: number;
  percent: number;
  lessons: { slug: string; title: string; summary: string; minutes: number; status: LessonStatus; bestScore: number | null }[];
}

export function libraryWithProgress(catalog: Pick<Catalog, "modules">, progress: Map<string, LessonProgress>): LibraryModule[] {
  return catalog.modules.map((m) => {
    const lessons = m.lessons.map((l) => {
      const p = progress.get(l.slug);
      return {
        slug: l.slug,
        title: l.title,
        summary: l.summary,
        minutes: l.minutes,
        status: p?.status ?? ("not-started" as const),
        bestScore: p?.bestScore ?? null,
      };
    });
    const done = lessons.filter((l) => l.status === "done").length;
    return {
      slug: m.slug,
      title: m.title,
      summary: m.summary,
      done,
      total: lessons.length,
      percent: lessons.length === 0 ? 0 : Math.round((100 * done) / lessons.length),
      lessons,
    };
  });
}

/**
 * Consecutive days with learning (a quiz attempt or a completion), in the practice's time zone,
 * ending today, or yesterday when nothing has happened yet today.
 */
export function streakDays(activityDates: Iterable<string>, today: string): number {
  const days = new Set(activityDates);
  const step = (date: string) => {
    const d = new Date(`${date}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() - 1);
    return d.toISOString().slice(0, 10);
  };
  let day = days.has(today) ? today : step(today);
  let streak = 0;
  while (days.has(day)) {
    streak++;
    day = step(day);
  }
  return streak;
}

export interface LearnerRecord {
  completions: {
    lessonSlug: string;
    lessonTitle: string;
    moduleTitle: string;
    completedAt: string;
    completedOn: string;
    bestScore: number | null;
    attempts: number;
  }[];
  lessonsDone: number;
  minutes: number;
  /** Conferences, workshops and courses logged outside DeskCoach. */
  outsideMinutes: number;
  streak: number;
  attempts: number;
}

export async function learnerRecord(
  db: DB,
  userId: number,
  catalog: Catalog,
  timeZone: string,
  now: Date,
): Promise<LearnerRecord> {
  const progress = await lessonProgress(db, userId);
  const [time, attemptTimes, completionTimes, outside] = await Promise.all([
    db
      .selectFrom("lesson_visit")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("active_seconds"), eb.lit(0)).as("seconds"))
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow(),
    db.selectFrom("quiz_attempt").select("submitted_at as at").where("user_id", "=", userId).execute(),
    db.selectFrom("completion").select("completed_at as at").where("user_id", "=", userId).execute(),
    db
      .selectFrom("outside_learning_attendee")
      .innerJoin("outside_learning", "outside_learning.id", "outside_learning_attendee.outside_learning_id")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("outside_learning.minutes"), eb.lit(0)).as("minutes"))
      .where("outside_learning_attendee.user_id", "=", userId)
      .executeTakeFirstOrThrow(),
  ]);
  const titleOf = (slug: string) => {
    const lesson = catalog.lesson(slug);
    return {
      lessonTitle: lesson?.title ?? slug,
      moduleTitle: (lesson && catalog.module(lesson.moduleSlug)?.title) ?? "",
    };
  };
  const completions = [...progress.entries()]
    .filter(([, p]) => p.status === "done" && p.completedAt)
    .map(([slug, p]) => ({
      lessonSlug: slug,
      ...titleOf(slug),
      completedAt: p.completedAt as string,
      completedOn: localDate(p.completedAt as string, timeZone),
      bestScore: p.bestScore,
      attempts: p.attempts,
    }))
    .sort((a, b) => b.completedAt.localeCompare(a.completedAt));
  const activity = [...attemptTimes, ...completionTimes].map((r) => localDate(r.at, timeZone));
  return {
    completions,
    lessonsDone: completions.length,
    minutes: Math.round(Number(time.seconds) / 60),
    outsideMinutes: Number(outside.minutes),
    streak: streakDays(activity, localDate(now, timeZone)),
    attempts: attemptTimes.length,
  };
}
