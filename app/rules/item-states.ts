// The states an assigned item can be in, and their words. Shared by the models and the UI.
export type ItemState = "not-started" | "in-progress" | "done" | "done-late" | "overdue";

export const STATE_LABELS: Record<ItemState, string> = {
  "not-started": "Not started",
  "in-progress": "In progress",
  done: "Done",
  "done-late": "Done late",
  overdue: "Overdue",
};
