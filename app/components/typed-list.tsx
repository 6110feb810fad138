import { Fragment } from "react";

/**
 * Values a person typed (names, job titles, locations) joined into one line. Each sits in its own
 * <bdi>, as every typed value shown beside other words does, so that a right-to-left name or a
 * stray direction override reorders only itself, never its neighbours.
 */
export function TypedList({ items, separator = ", " }: { items: (string | null | undefined)[]; separator?: string }) {
  const shown = items.filter((item): item is string => Boolean(item));
  return (
    <>
      {shown.map((item, i) => (
        <Fragment key={i}>
          {i > 0 ? separator : null}
          <bdi>{item}</bdi>
        </Fragment>
      ))}
    </>
  );
}
