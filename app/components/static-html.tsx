/**
 * Markup the server rendered once and cached (app/static-html.server.tsx). React keeps it as it
 * is, on the first render and after; it was escaped when it was rendered.
 */
export function StaticHtml({ html }: { html: string }) {
  return <div className="static-html" dangerouslySetInnerHTML={{ __html: html }} />;
}
