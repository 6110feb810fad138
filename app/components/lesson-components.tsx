// The components lesson authors use in MDX without importing them (see content/README.md).
// They render on the server into static HTML, so they must not rely on browser JavaScript.
// Plain blocks with a visible label, not landmarks: a lesson has several of each.
import type { ReactNode } from "react";

type Children = { children?: ReactNode };

export function Scenario({ title, children }: Children & { title?: string }) {
  return (
    <div className="lc lc-scenario">
      <p className="lc-label">Scenario{title ? <span className="lc-title"> · {title}</span> : null}</p>
      {children}
    </div>
  );
}

export function SayThis({ children }: Children) {
  return (
    <div className="lc lc-say">
      <p className="lc-label">
        <span aria-hidden="true">✓ </span>Say this
      </p>
      {children}
    </div>
  );
}

export function NotThis({ children }: Children) {
  return (
    <div className="lc lc-not">
      <p className="lc-label">
        <span aria-hidden="true">✗ </span>Not this
      </p>
      {children}
    </div>
  );
}

export function Tip({ children }: Children) {
  return (
    <div className="lc lc-tip">
      <p className="lc-label">Tip</p>
      {children}
    </div>
  );
}

export function KeyPoint({ children }: Children) {
  return (
    <div className="lc lc-key">
      <p className="lc-label">Key point</p>
      {children}
    </div>
  );
}

export function Practice({ children }: Children) {
  return (
    <div className="lc lc-practice">
      <p className="lc-label">Practice</p>
      {children}
    </div>
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
