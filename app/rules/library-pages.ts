// The library on /learn comes in pages of whole modules, so that a practice with hundreds of its
// own lessons does not make everyone's start page cost more to build, send and read. The built-in
// library (52 lessons in 10 modules) fits on one page, so most practices never see a second.
import { requestedPage } from "./paging.ts";

/** A page holds whole modules while their lessons number at most this many (one module always fits). */
export const LIBRARY_PAGE_LESSONS = 60;

/** The modules cut into pages, in order; a module is never split. */
export function libraryPages<M extends { lessons: readonly unknown[] }>(modules: readonly M[], budget = LIBRARY_PAGE_LESSONS): M[][] {
  const pages: M[][] = [];
  let page: M[] = [];
  let lessons = 0;
  for (const m of modules) {
    if (page.length > 0 && lessons + m.lessons.length > budget) {
      pages.push(page);
      page = [];
      lessons = 0;
    }
    page.push(m);
    lessons += m.lessons.length;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

/** The page asked for in `?library=N`, 1-based (read as every list's page is); past the end is the last page. */
export function libraryPageNumber(raw: string | null, pageCount: number): number {
  return Math.min(requestedPage(raw), Math.max(pageCount, 1));
}
