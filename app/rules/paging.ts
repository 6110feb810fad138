// Lists of people come a page at a time, so that a practice of 10,000 costs a manager's page no
// more than one of 50: the progress matrix, the team, the owner's spend per employee. Shared by
// the models (which page in SQL), the loaders (which read the address) and the pages (links).

/** People on one page of a list. */
export const PEOPLE_PAGE_SIZE = 50;

/** The longest name search kept; anything past it is cut off, not refused. */
export const MAX_SEARCH_LENGTH = 100;

/** The largest page number read from an address; larger ones are read as the last page. */
const MAX_PAGE = 1_000_000;

/**
 * The page asked for in `?page=N`, 1-based: anything that is not a whole number is page 1, and
 * a number however large is a page past the end (which shows the last page).
 */
export function requestedPage(raw: string | null | undefined): number {
  const text = raw?.trim() ?? "";
  if (!/^\d+$/.test(text)) return 1;
  return text.replace(/^0+/, "").length > 12 ? MAX_PAGE : Math.min(Math.max(Number(text), 1), MAX_PAGE);
}

export interface PageWindow {
  /** The page shown: the one asked for, or the last one when it was past the end. */
  page: number;
  pageCount: number;
  total: number;
  /** Rows to skip before this page. */
  offset: number;
  limit: number;
}

/** Where page `requested` falls in `total` rows; a page past the end is the last page. */
export function pageWindow(total: number, requested: number, size = PEOPLE_PAGE_SIZE): PageWindow {
  const pageCount = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(Math.trunc(requested) || 1, 1), pageCount);
  return { page, pageCount, total, offset: (page - 1) * size, limit: size };
}

/**
 * A name search as typed: control characters dropped, runs of spaces made one, trimmed, cut to
 * MAX_SEARCH_LENGTH. Null when nothing is left.
 */
export function searchText(raw: string | null | undefined): string | null {
  if (typeof raw !== "string") return null;
  // eslint-disable-next-line no-control-regex
  const text = raw.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").replace(/\s+/g, " ").trim().slice(0, MAX_SEARCH_LENGTH).trim();
  return text === "" ? null : text;
}

/** The address of page `page` of a list at `pathname`, with the list's other parameters kept. */
export function pageHref(pathname: string, params: Record<string, string | number | null | undefined>, page: number, hash = ""): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (key === "page" || value === null || value === undefined || value === "") continue;
    query.set(key, String(value));
  }
  if (page > 1) query.set("page", String(page));
  const search = query.toString();
  return `${pathname}${search ? `?${search}` : ""}${hash}`;
}
