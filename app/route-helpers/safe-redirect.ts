/**
 * Only a path on this site: "/learn?x=1". Anything that a browser could read as another origin
 * ("//evil.example", "/\\evil.example", "https://…", "javascript:…") falls back to `fallback`.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"): refuse any control character.
  if ([...to].some((ch) => ch.charCodeAt(0) < 0x20 || ch === "\\")) return fallback;
  try {
    const base = "http://deskcoach.invalid";
    const url = new URL(to, base);
    if (url.origin !== base) return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
