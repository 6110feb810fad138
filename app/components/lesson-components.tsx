// The components lesson authors use in MDX without importing them (see content/README.md).
// They render on the server into static HTML, so they must not rely on browser JavaScript.
import type { ReactNode } from "react";

type Children = { children?: ReactNode };

export function Scenario({ title, children }: Children & { title?: string }) {
  return (
    <section className="lc lc-scenario" aria-label={title ? `Scenario: ${title}` : "Scenario"}>
      <p className="lc-label">Scenario{title ? <span className="lc-title"> · {title}</span> : null}</p>
      {children}
    </section>
  );
}

export function SayThis({ children }: Children) {
  return (
    <aside className="lc lc-say" aria-label="Say this">
      <p className="lc-label">
        <span aria-hidden="true">✓ </span>Say this
      </p>
      {children}
    </aside>
  );
}

export function NotThis({ children }: Children) {
  return (
    <aside className="lc lc-not" aria-label="Not this">
      <p className="lc-label">
        <span aria-hidden="true">✗ </span>Not this
      </p>
      {children}
    </aside>
  );
}

export function Tip({ children }: Children) {
  return (
    <aside className="lc lc-tip" aria-label="Tip">
      <p className="lc-label">Tip</p>
      {children}
    </aside>
  );
}

export function KeyPoint({ children }: Children) {
  return (
    <aside className="lc lc-key" aria-label="Key point">
      <p className="lc-label">Key point</p>
      {children}
    </aside>
  );
}

export function Practice({ children }: Children) {
  return (
    <section className="lc lc-practice" aria-label="Practice">
      <p className="lc-label">Practice</p>
      {children}
    </section>
  );
}

export function Takeaways({ children }: Children) {
  return (
    <section className="lc lc-takeaways" aria-labelledby="takeaways-heading">
      <h2 id="takeaways-heading">Key takeaways</h2>
      {children}
    </section>
  );
}

export const lessonComponents = { Scenario, SayThis, NotThis, Tip, KeyPoint, Practice, Takeaways };
