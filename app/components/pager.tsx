// Page links under a list of people: Previous, "Page 2 of 200", Next, and the first and last
// pages. Plain links without hooks or router, so a table rendered once to static markup can carry
// them (decision 0009), and they work without JavaScript.
import type { PageWindow } from "#app/rules/paging.ts";

const COUNT = new Intl.NumberFormat("en-US");

export function Pager({ window, href, label, noun = "people" }: { window: PageWindow; href: (page: number) => string; label: string; noun?: string }) {
  const { page, pageCount, total, offset, limit } = window;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={label}>
      <p className="pager-status">
        Page {COUNT.format(page)} of {COUNT.format(pageCount)}
        <span className="muted">
          {" "}
          ({noun} {COUNT.format(first)}–{COUNT.format(last)} of {COUNT.format(total)})
        </span>
      </p>
      {pageCount > 1 ? (
        <ul>
          {page > 2 ? (
            <li>
              <a href={href(1)}>First page</a>
            </li>
          ) : null}
          {page > 1 ? (
            <li>
              <a href={href(page - 1)} rel="prev">
                Previous page
              </a>
            </li>
          ) : null}
          {page < pageCount ? (
            <li>
              <a href={href(page + 1)} rel="next">
                Next page
              </a>
            </li>
          ) : null}
          {page < pageCount - 1 ? (
            <li>
              <a href={href(pageCount)}>Last page</a>
            </li>
          ) : null}
        </ul>
      ) : null}
    </nav>
  );
}
