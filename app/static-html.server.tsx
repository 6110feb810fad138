// Renders a component that needs no hooks or router to plain markup, for a page to cache and
// show with <StaticHtml>. React escapes every value, as it does for any page.
import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

export function staticHtml(element: ReactElement): string {
  return renderToStaticMarkup(element);
}
