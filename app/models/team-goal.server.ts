// The office's monthly goal ("40 lessons this month") and whether individual rankings show on
// /learn. Rankings are off unless the owner turns them on: a small team can feel a leaderboard as
// pressure. A goal is set by the owner or a manager of the whole practice; the rankings switch is
// the owner's alone.
import type { DB } from "#db/connection.ts";
import { MAX_MONTHLY_GOAL, RANKING_SIZE } from "#app/rules/team-goal.ts";
import { recordAudit } from "./audit.server.ts";
import { localDate, startOfLocalDay } from "./clock.server.ts";
import { createReadCache } from "./read-cache.server.ts";
import { addDaysTo, addMonthsTo, daysBetween } from "#app/rules/dates.ts";
import { FieldError } from "./field-error.ts";
import type { Actor } from "./sessions.server.ts";

export { MAX_MONTHLY_GOAL, RANKING_SIZE } from "#app/rules/team-goal.ts";

export interface LearningSettings {
  monthlyLessonGoal: number | null;
  rankingsEnabled: boolean;
}

export async function getLearningSettings(db: DB): Promise<LearningSettings> {
  const row = await db.selectFrom("learning_settings").select(["monthly_lesson_goal", "rankings_enabled"]).where("id", "=", 1).executeTakeFirst();
  return { monthlyLessonGoal: row?.monthly_lesson_goal ?? null, rankingsEnabled: row?.rankings_enabled === 1 };
}

export function canSetGoal(actor: Actor): boolean {
  return actor.role === "owner" || (actor.role === "manager" && !actor.scopeLocationId);
}

async function save(db: DB, actor: Actor, change: { monthly_lesson_goal?: number | null; rankings_enabled?: number }, now: Date) {
  const at = now.toISOString();
  await db
    .insertInto("learning_settings")
    .values({ id: 1, monthly_lesson_goal: null, rankings_enabled: 0, ...change, updated_at: at, updated_by: actor.id })
    .onConflict((oc) => oc.column("id").doUpdateSet({ ...change, updated_at: at, updated_by: actor.id }))
    .execute();
}

/** Sets the monthly goal in lessons, or removes it (null). */
export async function setMonthlyGoal(db: DB, actor: Actor, goal: number | null, now: Date): Promise<void> {
  if (!canSetGoal(actor)) throw new FieldError("goal", "Only the owner or a manager of the whole practice can set the office's goal.", 403);
  if (goal !== null && (!Number.isSafeInteger(goal) || goal < 1 || goal > MAX_MONTHLY_GOAL)) {
    throw new FieldError("goal", `Enter a whole number of lessons from 1 to ${MAX_MONTHLY_GOAL.toLocaleString("en-US")}, or leave it empty for no goal.`);
  }
  await db.transaction().execute(async (trx) => {
    const before = await getLearningSettings(trx);
    if (before.monthlyLessonGoal === goal) return;
    await save(trx, actor, { monthly_lesson_goal: goal }, now);
    await recordAudit(trx, { actorId: actor.id, action: "team_goal.set", subject: "practice", details: { from: before.monthlyLessonGoal, to: goal }, at: now });
  });
}

/** Turns individual rankings on /learn on or off. Owner only. */
export async function setRankings(db: DB, actor: Actor, enabled: boolean, now: Date): Promise<void> {
  if (actor.role !== "owner") throw new FieldError("rankings", "Only the owner can turn rankings on or off.", 403);
  await db.transaction().execute(async (trx) => {
    const before = await getLearningSettings(trx);
    if (before.rankingsEnabled === enabled) return;
    await save(trx, actor, { rankings_enabled: enabled ? 1 : 0 }, now);
    await recordAudit(trx, { actorId: actor.id, action: enabled ? "rankings.on" : "rankings.off", subject: "practice", at: now });
  });
}

export interface MonthProgress {
  /** YYYY-MM on the practice's calendar. */
  month: string;
  goal: number | null;
  /** Lessons completed this month by the whole office: each person's lesson counts once. */
  lessons: number;
  /** The signed-in person's share of `lessons`. */
  mine: number;
  /** Days left in the month, today included. */
  daysLeft: number;
  /** The people with the most lessons this month, when rankings are on. */
  ranking: { name: string; lessons: number }[] | null;
}

/** Lessons completed per person this month (each lesson once per person), active people only when ranked. */
// The team's figures for a month are the same for everyone who asks: worked out once per database
// version and kept (read-cache.server.ts), so a group's /learn does not count its whole month of
// completions on every page.
const teamMonths = createReadCache(8);

export async function monthProgress(db: DB, userId: number | null, context: { now: Date; timeZone: string }): Promise<MonthProgress> {
  const today = localDate(context.now, context.timeZone);
  const month = today.slice(0, 7);
  const first = `${month}-01`;
  // The practice month as two instants, so that the database compares and counts.
  const from = startOfLocalDay(first, context.timeZone).toISOString();
  const until = startOfLocalDay(addMonthsTo(first, 1), context.timeZone).toISOString();
  const inMonth = db.selectFrom("completion").where("completion.completed_at", ">=", from).where("completion.completed_at", "<", until);
  const settings = await getLearningSettings(db);
  const [team, mine] = await Promise.all([
    teamMonths.read(db, `${from}|${until}|${settings.rankingsEnabled}`, async () => {
      const [total, ranking] = await Promise.all([
        // Each person's lessons once: the same lesson again in the month is not another.
        db
          .selectFrom(inMonth.select(["completion.user_id", "completion.lesson_slug"]).distinct().as("done"))
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirst(),
        settings.rankingsEnabled
          ? inMonth
              .innerJoin("user", "user.id", "completion.user_id")
              .where("user.status", "=", "active")
              .select(["user.name", (eb) => eb.fn.count<number>("completion.lesson_slug").distinct().as("lessons")])
              .groupBy(["completion.user_id", "user.name"])
              .orderBy("lessons", "desc")
              .orderBy("user.name")
              .limit(RANKING_SIZE)
              .execute()
          : Promise.resolve(null),
      ]);
      return {
        lessons: Number(total?.n ?? 0),
        ranking: ranking?.map((r) => ({ name: r.name, lessons: Number(r.lessons) })).sort((a, b) => b.lessons - a.lessons || a.name.localeCompare(b.name)) ?? null,
      };
    }),
    userId === null
      ? Promise.resolve(0)
      : inMonth
          .where("completion.user_id", "=", userId)
          .select((eb) => eb.fn.count<number>("completion.lesson_slug").distinct().as("n"))
          .executeTakeFirst()
          .then((r) => Number(r?.n ?? 0)),
  ]);
  return {
    month,
    goal: settings.monthlyLessonGoal,
    lessons: team.lessons,
    mine,
    daysLeft: daysBetween(today, addDaysTo(addMonthsTo(first, 1), -1)) + 1,
    ranking: team.ranking,
  };
}
