// Kinds of outside learning and the spend category each one's cost belongs to.
import type { OutsideKind, SpendCategory } from "#db/schema.ts";

export const OUTSIDE_KINDS: { id: OutsideKind; label: string; category: SpendCategory }[] = [
  { id: "conference", label: "Conference", category: "conferences-and-workshops" },
  { id: "workshop", label: "Workshop", category: "conferences-and-workshops" },
  { id: "webinar", label: "Webinar (live, online)", category: "virtual-instructor-led" },
  { id: "online-course", label: "Online course", category: "online-courses" },
  { id: "in-person-course", label: "In-person course", category: "in-person-training" },
];
