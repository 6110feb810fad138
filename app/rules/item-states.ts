// The states an assigned item can be in, and their words. Shared by the models and the UI.
export const ITEM_STATES = ["not-started", "in-progress", "done", "done-late", "overdue"] as const;
export type ItemState = (typeof ITEM_STATES)[number];

export const STATE_LABELS: Record<ItemState, string> = {
  "not-started": "Not started",
  "in-progress": "In progress",
  done: "Done",
  "done-late": "Done late",
  overdue: "Overdue",
};

/** Finished, on time or late: the one place that says which states count as done. */
export function isDone(state: ItemState): boolean {
  return state === "done" || state === "done-late";
}
