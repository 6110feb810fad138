// The format planner: a headcount and a mix of formats, priced from the published ranges.
import type { SpendCategory } from "#db/schema.ts";
import { FORMAT_RANGES } from "#app/rules/spend-categories.ts";

export interface PlannedFormat {
  id: SpendCategory;
  label: string;
  /** People enrolled for per-employee formats; purchases or sessions otherwise. */
  quantity: number;
  perEmployee: boolean;
  lowCents: number;
  /** null: the published figure has no upper end ("from $10 per employee"). */
  highCents: number | null;
}

export interface Projection {
  rows: PlannedFormat[];
  lowCents: number;
  highCents: number | null;
}

export function projectFormats(quantities: Partial<Record<SpendCategory, number>>): Projection {
  const rows = FORMAT_RANGES.map((f) => {
    const quantity = Math.max(0, Math.floor(quantities[f.id] ?? 0));
    return {
      id: f.id,
      label: f.label,
      quantity,
      perEmployee: f.perEmployee,
      lowCents: f.lowCents * quantity,
      highCents: f.highCents === null ? (quantity === 0 ? 0 : null) : f.highCents * quantity,
    };
  });
  return {
    rows,
    lowCents: rows.reduce((s, r) => s + r.lowCents, 0),
    highCents: rows.some((r) => r.highCents === null) ? null : rows.reduce((s, r) => s + (r.highCents ?? 0), 0),
  };
}
