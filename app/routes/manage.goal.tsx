import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { FormError, TextField } from "#app/components/field.tsx";
import { ProgressBar } from "#app/components/progress-bar.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { FieldError } from "#app/models/field-error.ts";
import { canSetGoal, getLearningSettings, monthProgress, setMonthlyGoal, setRankings } from "#app/models/team-goal.server.ts";
import { MAX_MONTHLY_GOAL, RANKING_SIZE } from "#app/rules/team-goal.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { fieldErrorReply, forbidden, formReply, parseForm, readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Team goal · DeskCoach" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const [settings, progress] = await Promise.all([getLearningSettings(services.db), monthProgress(services.db, null, ctx)]);
  const saved = new URL(request.url).searchParams.get("saved");
  return {
    settings,
    progress: { month: progress.month, lessons: progress.lessons, daysLeft: progress.daysLeft },
    canSetGoal: canSetGoal(actor),
    isOwner: actor.role === "owner",
    saved: saved === "goal" || saved === "rankings" ? saved : null,
  };
}

const goalSchema = z.object({
  goal: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const n = Number(v.replace(/,/g, ""));
      if (!/^\d[\d,]*$/.test(v) || !Number.isSafeInteger(n) || n < 1 || n > MAX_MONTHLY_GOAL) {
        ctx.addIssue({ code: "custom", message: `Enter a whole number of lessons from 1 to ${MAX_MONTHLY_GOAL.toLocaleString("en-US")}, or leave it empty for no goal.` });
        return z.NEVER;
      }
      return n;
    }),
});
const rankingsSchema = z.object({ rankings: z.enum(["on", "off"], { errorMap: () => ({ message: "Choose on or off." }) }) });

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const ctx = await practiceContext();
  const form = await readForm(request);
  const intent = form.get("intent");
  try {
    if (intent === "goal") {
      const parsed = parseForm(form, goalSchema);
      if (!parsed.ok) return formReply(parsed, {});
      await setMonthlyGoal(services.db, actor, parsed.data.goal, ctx.now);
      throw redirect("/manage/goal?saved=goal");
    }
    if (intent === "rankings") {
      const owner = await requireRole(request, "owner");
      const parsed = parseForm(form, rankingsSchema);
      if (!parsed.ok) return formReply(parsed, {});
      await setRankings(services.db, owner, parsed.data.rankings === "on", ctx.now);
      throw redirect("/manage/goal?saved=rankings");
    }
  } catch (error) {
    if (error instanceof FieldError) {
      // Only the owner or a whole-practice manager sees these forms: anyone else sent them by hand.
      if (error.status === 403) throw forbidden();
      return fieldErrorReply(error, form, {});
    }
    throw error;
  }
  return formReply({ errors: { form: "Unknown action." }, values: {} }, {});
}

export default function TeamGoal() {
  const { canSetGoal: mayGoal, isOwner, progress, saved, settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useIsPending();
  const errors: Record<string, string> = result?.errors ?? {};
  const goal = settings.monthlyLessonGoal;
  return (
    <>
      <h1>Team goal</h1>
      {saved ? (
        <p className="notice" role="status">
          <span aria-hidden="true">✓ </span>Saved.
        </p>
      ) : null}
      <FormError error={errors.form} />
      <section className="card" aria-labelledby="month-heading">
        <h2 id="month-heading">This month ({progress.month})</h2>
        {goal ? (
          <>
            <p>
              The office's goal is {goal} lessons a month. So far: {progress.lessons}, with {progress.daysLeft}{" "}
              {progress.daysLeft === 1 ? "day" : "days"} left.
            </p>
            <ProgressBar value={Math.min(progress.lessons, goal)} max={goal} label={`Team goal: ${progress.lessons} of ${goal} lessons`} />
          </>
        ) : (
          <p>No goal is set. {progress.lessons} lessons completed so far this month.</p>
        )}
        <p className="muted">Everyone's completed lessons count, each lesson once per person per month. Staff see the goal on their Learn page.</p>
      </section>

      <section className="card" aria-labelledby="goal-heading">
        <h2 id="goal-heading">Monthly goal</h2>
        {mayGoal ? (
          <Form method="post" noValidate className="inline-fields">
            <input type="hidden" name="intent" value="goal" />
            <TextField
              label="Lessons a month"
              name="goal"
              inputMode="numeric"
              defaultValue={result?.values?.goal ?? (goal ? String(goal) : "")}
              error={errors.goal}
              hint="Leave empty for no goal."
            />
            <button type="submit" className="button primary" disabled={busy}>
              Save goal
            </button>
          </Form>
        ) : (
          <p>The owner or a manager of the whole practice sets the office's goal.</p>
        )}
      </section>

      <section className="card" aria-labelledby="rankings-heading">
        <h2 id="rankings-heading">Individual rankings</h2>
        <p>
          Rankings are <strong>{settings.rankingsEnabled ? "on" : "off"}</strong>. When they are on, the Learn page lists the{" "}
          {RANKING_SIZE} people with the most lessons this month, by name. Off, it shows only the team's total.
        </p>
        {isOwner ? (
          <Form method="post" noValidate className="stack">
            <input type="hidden" name="intent" value="rankings" />
            <fieldset>
              <legend>Show rankings on the Learn page</legend>
              {errors.rankings ? <p className="field-error">{errors.rankings}</p> : null}
              <div className="choice">
                <input type="radio" id="rankings-off" name="rankings" value="off" defaultChecked={!settings.rankingsEnabled} />
                <label htmlFor="rankings-off">Off: only the team's total</label>
              </div>
              <div className="choice">
                <input type="radio" id="rankings-on" name="rankings" value="on" defaultChecked={settings.rankingsEnabled} />
                <label htmlFor="rankings-on">On: the {RANKING_SIZE} people with the most lessons this month</label>
              </div>
            </fieldset>
            <button type="submit" className="button" disabled={busy}>
              Save
            </button>
          </Form>
        ) : (
          <p className="muted">Only the owner can turn rankings on or off.</p>
        )}
      </section>
    </>
  );
}
