// Charts as plain SVG, rendered on the server (readable without JavaScript). Each chart has a
// visible title and a table of the same numbers for screen readers; the drawing itself is hidden
// from them. Colours come from CSS classes (the CSP allows no inline styles).
import { scaleBand, scaleLinear } from "d3-scale";
import { line } from "d3-shape";

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 16, right: 16, bottom: 36, left: 64 };

export interface Series {
  label: string;
  /** null: no value (a month still to come); lines break there and the table says so. */
  values: (number | null)[];
  kind: "bar" | "line";
  className: string;
}

interface Props {
  title: string;
  categories: string[];
  series: Series[];
  format: (n: number) => string;
  id: string;
}

export function ComboChart({ title, categories, series, format, id }: Props) {
  const max = Math.max(1, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const x = scaleBand<string>().domain(categories).range([MARGIN.left, WIDTH - MARGIN.right]).padding(0.25);
  const y = scaleLinear().domain([0, max]).nice(4).range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const bars = series.filter((s) => s.kind === "bar");
  const band = x.bandwidth() / Math.max(1, bars.length);
  const path = line<number | null>()
    .defined((v) => v !== null)
    .x((_, i) => (x(categories[i] ?? "") ?? 0) + x.bandwidth() / 2)
    .y((v) => y(v ?? 0));
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="chart-svg" aria-hidden="true" focusable="false">
        {y.ticks(4).map((t) => (
          <g key={t}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={MARGIN.left - 6} y={y(t)} dy="0.32em" textAnchor="end" className="chart-tick">
              {format(t)}
            </text>
          </g>
        ))}
        {categories.map((c) => (
          <text key={c} x={(x(c) ?? 0) + x.bandwidth() / 2} y={HEIGHT - MARGIN.bottom + 18} textAnchor="middle" className="chart-tick">
            {c}
          </text>
        ))}
        {bars.map((s, si) =>
          s.values.map((v, i) =>
            v === null ? null : (
            <rect
              key={`${s.label}-${i}`}
              x={(x(categories[i] ?? "") ?? 0) + si * band}
              y={y(v)}
              width={Math.max(1, band - 2)}
              height={Math.max(0, y(0) - y(v))}
              className={s.className}
            />
            ),
          ),
        )}
        {series
          .filter((s) => s.kind === "line")
          .map((s) => (
            <path key={s.label} d={path(s.values) ?? ""} className={s.className} fill="none" />
          ))}
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.label}>
            <span className={`legend-swatch ${s.className}`} /> {s.label}
          </li>
        ))}
      </ul>
      {/* Hidden in a box of its own: a table cannot be narrower than its content, and a 1 px
          table would still widen a phone's page to the whole table. */}
      <div className="visually-hidden">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {series.map((s) => (
                <th scope="col" key={s.label}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                {series.map((s) => (
                  <td key={s.label}>{s.values[i] === null || s.values[i] === undefined ? "—" : format(s.values[i] as number)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
