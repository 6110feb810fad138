// Markup a loader renders (and may cache) for a page to show with <StaticHtml>: a lesson's text,
// a big read-only table. React escapes every value, as it does for any page.
//
// On a whole-page request the markup goes into the page once and is left out of the hydration
// data (which would otherwise carry it a second time, escaped for a script tag): the loader
// returns only an id, and entry.server.tsx hands the markup to <StaticHtml> through context. A
// client navigation's `.data` request carries the markup itself. See decision 0009.
import type { AppLoadContext } from "@remix-run/node";
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { StaticHtmlData } from "#app/components/static-html.tsx";

export function staticHtml(element: ReactElement): string {
  return renderToStaticMarkup(element);
}

/** What a loader returns for <StaticHtml>: the markup, or on a whole page only its id. */
export function staticHtmlData(context: AppLoadContext, id: string, html: string): StaticHtmlData {
  if (!context.pageHtml) return { id, html };
  context.pageHtml.set(id, html);
  return { id, html: null };
}
