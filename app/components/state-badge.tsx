import { isDone, STATE_LABELS, type ItemState } from "#app/rules/item-states.ts";

const ICONS: Record<ItemState, string> = { "not-started": "○", "in-progress": "◐", done: "✓", "done-late": "✓", overdue: "!" };

/** An assignment's state as a word and a symbol; colour only repeats what the text says. */
export function ItemStateBadge({ state, percent }: { state: ItemState; percent?: number }) {
  return (
    <span className={`badge state-${state}`}>
      <span aria-hidden="true">{ICONS[state]} </span>
      {STATE_LABELS[state]}
      {percent !== undefined && !isDone(state) ? ` · ${percent}%` : null}
    </span>
  );
}
