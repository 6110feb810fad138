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

/** A moment marked across the chart (a module's roll-out): a numbered line at its category. */
export interface Marker {
  category: string;
  label: string;
}

interface Props {
  title: string;
  categories: string[];
  series: Series[];
  format: (n: number) => string;
  id: string;
  markers?: Marker[];
  /** The table of the same numbers: for screen readers only (default), or shown under the chart. */
  table?: "hidden" | "shown";
}

// Beyond this many, the axis names every second (third…) category: the labels would overlap.
const MAX_AXIS_LABELS = 12;

export function ComboChart({ title, categories, series, format, id, markers = [], table = "hidden" }: Props) {
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
        {categories.map((c, i) =>
          i % Math.ceil(categories.length / MAX_AXIS_LABELS) === 0 ? (
            <text key={c} x={(x(c) ?? 0) + x.bandwidth() / 2} y={HEIGHT - MARGIN.bottom + 18} textAnchor="middle" className="chart-tick">
              {c}
            </text>
          ) : null,
        )}
        {markers.map((m, i) => {
          const at = (x(m.category) ?? Number.NaN) + x.bandwidth() / 2;
          return Number.isFinite(at) ? (
            <g key={`${m.category}-${m.label}`}>
              <line x1={at} x2={at} y1={MARGIN.top} y2={HEIGHT - MARGIN.bottom} className="chart-marker" />
              <text x={at + 3} y={MARGIN.top + 10 + (i % 3) * 13} className="chart-marker-label">
                {i + 1}
              </text>
            </g>
          ) : null;
        })}
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
        {markers.map((m, i) => (
          <li key={`${m.category}-${m.label}`}>
            <span className="legend-swatch chart-marker-swatch" /> {i + 1}: {m.label} ({m.category})
          </li>
        ))}
      </ul>
      {/* Hidden in a box of its own: a table cannot be narrower than its content, and a 1 px
          table would still widen a phone's page to the whole table. A shown table scrolls in its own box. */}
      <div
        className={table === "shown" ? "table-wrap" : "visually-hidden"}
        {...(table === "shown" ? { role: "region", "aria-label": `${title}: the figures`, tabIndex: 0 } : {})}
      >
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {series.map((s) => (
                <th scope="col" key={s.label} className="num">
                  {s.label}
                </th>
              ))}
              {markers.length > 0 ? <th scope="col">Roll-out</th> : null}
            </tr>
          </thead>
          <tbody>
            {categories.map((c, i) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                {series.map((s) => (
                  <td key={s.label} className="num">
                    {s.values[i] === null || s.values[i] === undefined ? "—" : format(s.values[i] as number)}
                  </td>
                ))}
                {markers.length > 0 ? (
                  <td>
                    {markers
                      .filter((m) => m.category === c)
                      .map((m) => m.label)
                      .join(", ")}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
