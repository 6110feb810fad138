/** A labelled progress bar; the numbers are always in the text, never in colour alone. */
export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  const percent = max === 0 ? 0 : Math.round((100 * value) / max);
  return (
    <div className="progress">
      <progress value={value} max={max || 1} aria-label={label}>
        {percent}%
      </progress>
      <span className="progress-text">
        {value} of {max} done
      </span>
    </div>
  );
}

const STATUS_TEXT = { done: "Done", "in-progress": "In progress", "not-started": "Not started" } as const;

export function StatusBadge({ status }: { status: keyof typeof STATUS_TEXT }) {
  const icon = status === "done" ? "✓" : status === "in-progress" ? "◐" : "○";
  return (
    <span className={`badge badge-${status}`}>
      <span aria-hidden="true">{icon} </span>
      {STATUS_TEXT[status]}
    </span>
  );
}
