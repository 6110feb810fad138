// The outcomes page's report: the before and after around each roll-out, what a change could be
// worth, and each measure over time beside the training, every chart with its table and CSV.
import { ComboChart, type Marker } from "#app/components/charts.tsx";
import type { MeasureChange, OutcomeReport, OutcomeValues, PeriodFigure, ValueRange } from "#app/models/outcomes.server.ts";
import { formatCents } from "#app/rules/money.ts";
import { monthLabel } from "#app/rules/outcomes.ts";

const PERCENT = (x: number) => `${(x * 100).toFixed(1)}%`;
const STARS = (x: number) => x.toFixed(2);
const WHOLE_PERCENT = (x: number) => `${Math.round(x)}%`;
const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const count = (n: number) => COUNT.format(n);
const WHOLE_DOLLARS = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const shortMoney = (cents: number) => `$${WHOLE_DOLLARS.format(Math.round(cents / 100))}`;
/** Signed, with a real minus sign: "−$1,200". */
const signedMoney = (cents: number) => (cents < 0 ? `−${formatCents(-cents)}` : formatCents(cents));

function formatOf(change: MeasureChange) {
  return change.measure.kind === "rate" ? PERCENT : STARS;
}

/** A change in words: rates in percentage points, stars in stars, always with the interval. */
function changeText(change: MeasureChange): string {
  const c = change.change;
  if (!c) return "—";
  const signed = (x: number) => (change.measure.kind === "rate" ? `${x < 0 ? "−" : "+"}${Math.abs(x * 100).toFixed(1)}` : `${x < 0 ? "−" : "+"}${Math.abs(x).toFixed(2)}`);
  const unit = change.measure.kind === "rate" ? " points" : " stars";
  return `${signed(c.estimate)}${unit} (${signed(c.low)} to ${signed(c.high)})`;
}

function reading(change: MeasureChange): string {
  switch (change.verdict) {
    case "no-data":
      return change.before.months === 0 ? "No figures before the roll-out" : "No figures after the roll-out yet";
    case "unclear":
      return "Too little data to tell";
    case "up":
    case "down":
      return `${change.verdict === "up" ? "Went up" : "Went down"}${change.verdict === change.measure.better ? " (the better way)" : " (the worse way)"}`;
  }
}

function period(p: PeriodFigure, change: MeasureChange): string {
  if (p.estimate === null) return "no figures";
  const f = formatOf(change);
  const sample = change.measure.kind === "rate" ? `${count(p.hits ?? 0)} of ${count(p.n ?? 0)} ${change.measure.of}` : `${p.months} month${p.months === 1 ? "" : "s"}`;
  const interval = p.interval ? `, ${f(p.interval.low)} to ${f(p.interval.high)}` : "";
  return `${f(p.estimate)} (${sample}${interval})`;
}

export function BeforeAfterTables({ report }: { report: OutcomeReport }) {
  if (report.rollouts.length === 0) {
    return <p>No module has been rolled out in the months shown yet. A roll-out is a module&apos;s first assignment to someone here.</p>;
  }
  return (
    <>
      {report.rollouts.map((r) => (
        <div key={r.moduleSlug} className="table-wrap" role="region" aria-label={`Before and after ${r.moduleTitle}`} tabIndex={0}>
          <table>
            <caption>
              <bdi>{r.moduleTitle}</bdi>: first assigned {r.on}. {report.window} months before ({monthLabel(r.changes[0]?.before.from ?? r.month)} to{" "}
              {monthLabel(r.changes[0]?.before.to ?? r.month)}) against {report.window} months after ({monthLabel(r.changes[0]?.after.from ?? r.month)} to{" "}
              {monthLabel(r.changes[0]?.after.to ?? r.month)}); the roll-out month itself counts in neither.
            </caption>
            <thead>
              <tr>
                <th scope="col">Measure</th>
                <th scope="col">Before (sample, 95% interval)</th>
                <th scope="col">After (sample, 95% interval)</th>
                <th scope="col">Change (95% interval)</th>
                <th scope="col">What it shows</th>
              </tr>
            </thead>
            <tbody>
              {r.changes.map((c) => (
                <tr key={c.measure.key}>
                  <th scope="row">{c.measure.label}</th>
                  <td>{period(c.before, c)}</td>
                  <td>
                    {period(c.after, c)}
                    {c.afterIncomplete && c.after.months > 0 ? <span className="muted"> · not all months in yet</span> : null}
                  </td>
                  <td className="num">{changeText(c)}</td>
                  <td>
                    {c.verdict === "up" || c.verdict === "down" ? <strong>{reading(c)}</strong> : reading(c)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </>
  );
}

export interface ValueLine {
  moduleTitle: string;
  measure: "returnRate" | "noShowRate";
  range: ValueRange;
}

export function ValueEstimate({ lines, values, spendCents, spendLabel }: { lines: ValueLine[]; values: OutcomeValues; spendCents: number; spendLabel: string }) {
  return (
    <>
      <dl className="stats">
        <div>
          <dt>Training spend, {spendLabel}</dt>
          <dd>{formatCents(spendCents)}</dd>
        </div>
        <div>
          <dt>A returning patient is worth</dt>
          <dd>{values.returningPatientCents === null ? "not set" : formatCents(values.returningPatientCents)}</dd>
        </div>
        <div>
          <dt>A no-show costs</dt>
          <dd>{values.noShowCents === null ? "not set" : formatCents(values.noShowCents)}</dd>
        </div>
      </dl>
      {lines.length === 0 ? (
        <p>
          {values.returningPatientCents === null && values.noShowCents === null
            ? "Set what a returning patient is worth (and what a no-show costs) to see the value a change could mean."
            : "No roll-out has a return rate or no-show rate on both sides to value yet."}
        </p>
      ) : (
        <ul>
          {lines.map((l) => (
            <li key={`${l.moduleTitle}-${l.measure}`}>
              <bdi>{l.moduleTitle}</bdi>, {l.measure === "returnRate" ? "returning patients" : "fewer no-shows"}:{" "}
              <strong>
                {signedMoney(l.range.lowCents)} to {signedMoney(l.range.highCents)} a year
              </strong>{" "}
              <span className="muted">
                (the change&apos;s 95% interval × {count(l.range.perYear)} {l.measure === "returnRate" ? "visits" : "booked visits"} a year at the recent pace × your value)
              </span>
              {l.range.lowCents < 0 && l.range.highCents > 0 ? ". The range runs from a loss to a gain: too little data to tell." : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function OutcomeCharts({ report, csv }: { report: OutcomeReport; csv: (table: string) => string }) {
  const categories = report.months.map(monthLabel);
  const markers: Marker[] = report.rollouts.map((r) => ({ category: monthLabel(r.month), label: r.moduleTitle }));
  const f = report.figures;
  const rate = (key: "returnRate" | "noShowRate" | "lateCancelRate" | "complaintRate" | "feedbackComplaintShare") => f.map((m) => (m.rates[key] ? m.rates[key].hits / m.rates[key].n : null));
  const charts: { id: string; title: string; format: (n: number) => string; series: Parameters<typeof ComboChart>[0]["series"] }[] = [
    {
      id: "visits",
      title: "Visits, new and returning patients by month",
      format: count,
      series: [
        { label: "Visits", kind: "line", className: "series-b", values: f.map((m) => m.totals.visits) },
        { label: "Returning patients", kind: "line", className: "series-a", values: f.map((m) => m.totals.returningPatients) },
        { label: "New patients", kind: "line", className: "series-plan", values: f.map((m) => m.totals.newPatients) },
      ],
    },
    { id: "return-rate", title: "Return rate by month", format: PERCENT, series: [{ label: "Return rate", kind: "line", className: "series-b", values: rate("returnRate") }] },
    {
      id: "no-shows",
      title: "No-show and late cancellation rates by month",
      format: PERCENT,
      series: [
        { label: "No-show rate", kind: "line", className: "series-b", values: rate("noShowRate") },
        { label: "Late cancellation rate", kind: "line", className: "series-plan", values: rate("lateCancelRate") },
      ],
    },
    {
      id: "reviews",
      title: "Online reviews by month: average stars",
      format: STARS,
      series: [{ label: "Average stars", kind: "line", className: "series-b", values: f.map((m) => m.stars?.average ?? null) }],
    },
    {
      id: "complaints",
      title: "Complaints and online reviews by month (counts)",
      format: count,
      series: [
        { label: "Complaints", kind: "bar", className: "series-a", values: f.map((m) => m.totals.complaints) },
        { label: "Online reviews", kind: "line", className: "series-b", values: f.map((m) => m.totals.reviewCount) },
      ],
    },
    {
      id: "feedback-rating",
      title: "Patient feedback in DeskCoach by month: average rating (1 to 5)",
      format: STARS,
      series: [{ label: "Feedback rating", kind: "line", className: "series-b", values: f.map((m) => m.feedback?.averageRating ?? null) }],
    },
    {
      id: "feedback-complaints",
      title: "Feedback comments with a complaint theme by month (share of comments)",
      format: PERCENT,
      series: [{ label: "Comments with a complaint theme", kind: "line", className: "series-b", values: rate("feedbackComplaintShare") }],
    },
    {
      id: "training-spend",
      title: "Training spend by month (the whole practice)",
      format: shortMoney,
      series: [{ label: "Spend", kind: "bar", className: "series-a", values: report.training.map((t) => t.spendCents) }],
    },
    {
      id: "training-lessons",
      title: "Lessons completed by month",
      format: count,
      series: [{ label: "Lessons completed", kind: "bar", className: "series-a", values: report.training.map((t) => t.lessonsCompleted) }],
    },
    {
      id: "training-done",
      title: "Assigned work done by each month's end (% of the work due by then)",
      format: WHOLE_PERCENT,
      series: [{ label: "Assigned work done", kind: "line", className: "series-b", values: report.training.map((t) => t.donePercent) }],
    },
  ];
  return (
    <>
      {charts.map((c) => (
        <div key={c.id}>
          <ComboChart id={`chart-${c.id}`} title={c.title} categories={categories} series={c.series} format={c.format} markers={markers} table="shown" />
          <p>
            <a href={csv(c.id.startsWith("training") ? "training" : "figures")}>Download {c.id.startsWith("training") ? "the training" : "the figures"} by month (CSV)</a>
          </p>
        </div>
      ))}
    </>
  );
}
