import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireMoneyAccess } from "#app/route-helpers/auth.server.ts";
import { fiscalContext } from "#app/route-helpers/fiscal-context.server.ts";
import { outcomeFilter } from "#app/route-helpers/outcome-filter.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { notFound } from "#app/route-helpers/validation.ts";
import { csvStreamResponse, inBatches } from "#app/models/csv.server.ts";
import { outcomeReport, type PeriodFigure } from "#app/models/outcomes.server.ts";
import { OUTCOME_FIGURES } from "#app/rules/outcomes.ts";
import { services } from "#app/services.server.ts";

const dollars = (cents: number) => (cents / 100).toFixed(2);
const share = (x: number | null | undefined) => (x === null || x === undefined ? "" : x.toFixed(4));
const blank = (x: number | null) => (x === null ? "" : x);

// The outcomes page's tables as CSV (?table=figures|training|before-after, with the page's
// ?location= and ?window=). A blank cell: no figure.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireMoneyAccess(request, "see-costs");
  const ctx = await fiscalContext(request);
  const url = new URL(request.url);
  const catalog = await currentCatalog();
  const filter = await outcomeFilter(url, user);
  const table = url.searchParams.get("table");
  if (table !== "figures" && table !== "training" && table !== "before-after") throw notFound();
  const report = await outcomeReport(services.db, user, { locationId: filter.locationId, window: filter.window, today: ctx.today, timeZone: ctx.timeZone, now: ctx.now, catalog });
  const place = filter.locationId === null ? "all" : `location-${filter.locationId}`;
  const name = `deskcoach-outcomes-${table}-${place}.csv`;
  switch (table) {
    case "figures":
      return csvStreamResponse(
        name,
        [
          "Month",
          ...OUTCOME_FIGURES.map((f) => f.label),
          "Return rate",
          "No-show rate",
          "Late cancellation rate",
          "Complaints per visit",
          "Feedback items",
          "Feedback rating (average)",
          "Feedback comments",
          "Feedback comments with a complaint theme",
          "Feedback comments with a complaint theme (share)",
        ],
        inBatches(
          report.figures.map((m) => [
            m.month,
            ...OUTCOME_FIGURES.map((f) => blank(m.totals[f.key])),
            ...(["returnRate", "noShowRate", "lateCancelRate", "complaintRate"] as const).map((k) => share(m.rates[k] ? m.rates[k].hits / m.rates[k].n : null)),
            m.feedback?.items ?? 0,
            share(m.feedback?.averageRating),
            m.feedback?.comments ?? 0,
            m.feedback?.complaints ?? 0,
            share(m.rates.feedbackComplaintShare ? m.rates.feedbackComplaintShare.hits / m.rates.feedbackComplaintShare.n : null),
          ]),
        ),
      );
    case "training":
      return csvStreamResponse(
        name,
        ["Month", "Training spend", "Lessons completed", "Assigned items due by the month's end", "Of them done by then", "Assigned work done (%)", "Roll-outs"],
        inBatches(
          report.training.map((t) => [
            t.month,
            dollars(t.spendCents),
            t.lessonsCompleted,
            t.assigned?.due ?? "",
            t.assigned?.done ?? "",
            blank(t.donePercent),
            report.rollouts
              .filter((r) => r.month === t.month)
              .map((r) => r.moduleTitle)
              .join("; "),
          ]),
        ),
      );
    case "before-after": {
      const period = (p: PeriodFigure) => [p.from, p.to, p.months, blank(p.hits), blank(p.n), share(p.estimate), share(p.interval?.low), share(p.interval?.high)];
      const side = (s: string) => [`${s} from`, `${s} to`, `${s} months`, `${s} count`, `${s} out of`, `${s} value`, `${s} low`, `${s} high`];
      return csvStreamResponse(
        name,
        ["Module", "First assigned", "Measure", ...side("Before"), ...side("After"), "Change", "Change low", "Change high", "Reading"],
        inBatches(
          report.rollouts.flatMap((r) =>
            r.changes.map((c) => [
              r.moduleTitle,
              r.on,
              c.measure.label,
              ...period(c.before),
              ...period(c.after),
              share(c.change?.estimate),
              share(c.change?.low),
              share(c.change?.high),
              c.verdict === "unclear" ? "too little data to tell" : c.verdict,
            ]),
          ),
        ),
      );
    }
  }
}
