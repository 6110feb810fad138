// Spend categories follow the formats practices actually buy. Shared by the models and the UI.
import type { SpendCategory } from "#db/schema.ts";

export const CATEGORIES: { id: SpendCategory; label: string }[] = [
  { id: "training-materials", label: "Training materials" },
  { id: "online-courses", label: "Online courses" },
  { id: "customer-service-software", label: "Customer-service software" },
  { id: "virtual-instructor-led", label: "Virtual instructor-led" },
  { id: "in-person-training", label: "In-person training" },
  { id: "conferences-and-workshops", label: "Conferences and workshops" },
  { id: "other", label: "Other" },
];

export const CATEGORY_LABEL = Object.fromEntries(CATEGORIES.map((c) => [c.id, c.label])) as Record<SpendCategory, string>;

export function isCategory(value: string): value is SpendCategory {
  return CATEGORIES.some((c) => c.id === value);
}

/** Published figures shown beside a practice's own. */
export const BENCHMARKS = {
  smallOfficePerEmployee: { lowCents: 200_00, highCents: 500_00, label: "Small medical offices, customer-service training, per employee per year" },
  healthcareAdminPerEmployee: { cents: 1_296_00, label: "Healthcare administrative staff, all training, per employee per year" },
};

/** Published cost ranges per format, for the planner. `perEmployee` ranges multiply by headcount. */
export const FORMAT_RANGES: { id: SpendCategory; label: string; lowCents: number; highCents: number | null; perEmployee: boolean }[] = [
  { id: "training-materials", label: "Training materials", lowCents: 100_00, highCents: 1_000_00, perEmployee: false },
  { id: "online-courses", label: "Online courses", lowCents: 10_00, highCents: null, perEmployee: true },
  { id: "customer-service-software", label: "Customer-service software", lowCents: 80_00, highCents: 1_000_00, perEmployee: false },
  { id: "virtual-instructor-led", label: "Virtual instructor-led session", lowCents: 1_500_00, highCents: 2_250_00, perEmployee: false },
  { id: "in-person-training", label: "In-person training", lowCents: 500_00, highCents: 1_500_00, perEmployee: true },
];
