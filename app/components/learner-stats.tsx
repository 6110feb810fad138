import type { ReactNode } from "react";

/** A learner's headline numbers, on their own progress page and on their manager's view of them. */
export function LearnerStats({
  record,
  children,
}: {
  record: { lessonsDone: number; minutes: number; outsideMinutes: number; streak: number; attempts: number };
  /** More figures in the same row (the manager's view adds retention). */
  children?: ReactNode;
}) {
  return (
    <dl className="stats">
      <div>
        <dt>Lessons completed</dt>
        <dd>{record.lessonsDone}</dd>
      </div>
      <div>
        <dt>Minutes learning</dt>
        <dd>{record.minutes}</dd>
      </div>
      <div>
        <dt>Day streak</dt>
        <dd>
          {record.streak} {record.streak === 1 ? "day" : "days"}
        </dd>
      </div>
      <div>
        <dt>Quiz attempts</dt>
        <dd>{record.attempts}</dd>
      </div>
      {record.outsideMinutes > 0 ? (
        <div>
          <dt>Outside learning</dt>
          <dd>{(record.outsideMinutes / 60).toFixed(1)} hours</dd>
        </div>
      ) : null}
      {children}
    </dl>
  );
}
