// Hostile text: what a careless paste, a spreadsheet or an attacker may put into any field a person
// can type into. Every payload that could run script sets `window.__pwned`, so a page can be
// asked afterwards whether anything ran.

export interface Payload {
  /** Short, stable name used in test titles and in the e-mail addresses of the people made from it. */
  id: string;
  value: string;
}

/** One megabyte of text: past every field's limit and every sensible request. */
export const ONE_MEGABYTE = "A".repeat(1024 * 1024);

export const RLO = "\u202E";

export const PAYLOADS: Payload[] = [
  { id: "script", value: "<script>window.__pwned=1</script>" },
  { id: "img", value: `<img src=x onerror="window.__pwned=1">` },
  { id: "svg", value: `"><svg onload=window.__pwned=1>` },
  { id: "jsurl", value: "javascript:window.__pwned=1" },
  { id: "quotes", value: `O'Brien "Bud" \`tick\`` },
  { id: "textarea", value: "</textarea><script>window.__pwned=1</script>" },
  { id: "rtl", value: `Rana ${RLO}fdp.exe` },
  { id: "zerowidth", value: "Zero\u200Bwidth\uFEFFname" },
  { id: "combining", value: "Zal\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309go Z\u0336\u0335\u0334e" },
  { id: "emoji", value: "Emoji \u{1F469}\u{1F3FD}\u200D\u2695\uFE0F \u{1F3E5}" },
  { id: "nul", value: "nul\u0000byte" },
  { id: "crlf", value: "line one\r\nline two" },
  { id: "hyperlink", value: `=HYPERLINK("http://evil")` },
  { id: "plus", value: "+1" },
  { id: "minus", value: "-2+3" },
  { id: "at", value: "@SUM(A1)" },
  { id: "tab", value: "\t=1" },
  { id: "megabyte", value: ONE_MEGABYTE },
];

/** A long word with no break opportunity, for layout: exactly `length` characters. */
export function unbroken(length: number): string {
  return "W".repeat(length);
}

/** The payloads that try to run script (each one sets window.__pwned when it does). */
export const SCRIPT_PAYLOADS = PAYLOADS.filter((p) => /__pwned/.test(p.value));

const FORMULA = /^[=+\-@]/;
const HTML_TAG = /<\s*\/?\s*[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?\s*>|<!--/i;

/** Control characters other than tab and newline (what a typed line of text may not hold). */
function hasControl(value: string, allowCr = false): boolean {
  return [...value].some((ch) => {
    const code = ch.charCodeAt(0);
    if (ch === "\t" || ch === "\n" || (allowCr && ch === "\r")) return false;
    return code < 0x20 || code === 0x7f;
  });
}

/**
 * The product's rules for typed text, as the pages state them: a line of free text (a name, a
 * title, a vendor) is trimmed, bounded, may not start like a spreadsheet formula and may not hold
 * control characters; patient feedback may not hold HTML markup or control characters, and is
 * kept as plain text otherwise (a formula in a comment is harmless: comments are never exported).
 */
export type TextRule = { kind: "line"; max: number } | { kind: "feedback"; max: number };

export function accepts(rule: TextRule, raw: string): boolean {
  const value = raw.trim();
  if (value === "" || value.length > rule.max) return false;
  if (rule.kind === "line") return !FORMULA.test(value) && !hasControl(value);
  return !HTML_TAG.test(value) && !hasControl(value, true);
}
