// Markup the server rendered (app/route-helpers/static-html.server.tsx). React keeps it as it is; it was
// escaped when it was rendered.
import { createContext, useContext, useEffect, useRef } from "react";
import { useRevalidator } from "@remix-run/react";

export interface StaticHtmlData {
  id: string;
  /** Null on a whole page: the markup is in the page already, and not in the hydration data. */
  html: string | null;
}

/** The page's markup by id, filled by loaders; only the server render has it. */
export const PageHtmlContext = createContext<Map<string, string> | null>(null);

export function StaticHtml({ data, className }: { data: StaticHtmlData; className?: string }) {
  const fromPage = useContext(PageHtmlContext)?.get(data.id);
  const ref = useRef<HTMLDivElement>(null);
  const revalidator = useRevalidator();
  const missing = data.html === null && fromPage === undefined;
  useEffect(() => {
    // Hydration keeps the server's markup. Should React ever render this afresh in the browser
    // (after a hydration error), the markup is not at hand: fetch the page's data, which has it.
    if (missing && ref.current?.childNodes.length === 0 && revalidator.state === "idle") revalidator.revalidate();
  }, [missing, revalidator]);
  return <div ref={ref} className={className} dangerouslySetInnerHTML={{ __html: data.html ?? fromPage ?? "" }} />;
}
