// Takes out of a patient's comment what could identify them, before anything is stored: phone
// numbers, email addresses, dates, record and account numbers, street addresses, and names where a
// comment marks them as names (after a title, a greeting, "my name is" or "my son"). It works on
// patterns, so it cannot find every name; the importer reads the result before confirming.
//
// It must not take out what a comment needs to be useful: durations ("3 minutes"), times
// ("10 am", "2:15"), prices ("$20"), ratings ("10/10"), and ordinary words after "Dr" ("dr visits").
import { REDACTION_MARK, type RedactionCounts, type RedactionKind } from "#app/rules/feedback.ts";

export interface Scrubbed {
  text: string;
  redactions: RedactionCounts;
  /** How many things were taken out, all kinds together. */
  total: number;
}

const L = "\\p{L}";
/** A capitalised name word: Alvarez, O'Brien, Smith-Jones, José. */
const NAME_WORD = `\\p{Lu}[${L}'’-]*[${L}]|\\p{Lu}`;
const ANY_WORD = `[${L}][${L}'’-]*`;

/**
 * Capitalised words that follow a title or greeting without being a name: sentence starters,
 * pronouns, and the few nouns a comment puts after "Dr" or "Hi".
 */
const NOT_NAMES = new Set(
  `a an and any as at be but by did do for from had has have he her here him his how i if in is it its
  me my no not of on or our she so that the their them then there they this to too was we were what
  when where which who why will with you your yours all everyone everybody team staff folks guys
  again both friends front desk office offices visit visits appointment appointments note notes
  order orders said says just very really thanks thank please hello hi hey dear good morning
  afternoon evening today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
  nurse nurses doctor doctors dr receptionist receptionists y'all mr mrs ms mx miss`
    .split(/\s+/)
    .filter(Boolean),
);

const isName = (word: string) => !NOT_NAMES.has(word.toLowerCase().replace(/’/g, "'"));

/** A word in any case, without the "i" flag: ci("mr") is [Mm][Rr]. */
const ci = (word: string) => [...word].map((c) => `[${c.toUpperCase()}${c}]`).join("");

const MONTHS = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|May|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const ORDINAL = "(?:st|nd|rd|th)?";

/** Units after a bare "1/2" that make it a fraction, not a date. */
const FRACTION_UNITS = /^\s*(?:an?\s+)?(?:hours?|hrs?|minutes?|mins?|days?|miles?|doses?|pills?|tablets?|tabs?|cups?|inch(?:es)?|way|price|off)\b/i;
/** Words before "5/5" or "10/10" that make it a date after all. */
const DATE_LEAD = /(?:\b(?:on|since|from|until|till|by|before|after|dated?|dob|born|visit|appt|appointment)\s*:?\s*)$/i;

interface Rule {
  kind: RedactionKind;
  pattern: RegExp;
  /** The replacement for one match; return the match itself to leave it alone. */
  replace?: (match: string, groups: string[], before: string, after: string) => string;
}

function mark(kind: RedactionKind) {
  return REDACTION_MARK[kind];
}

const RULES: Rule[] = [
  { kind: "email", pattern: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu },
  {
    // A labelled identifier: the label stays, the identifier goes ("acct #[number]").
    kind: "number",
    pattern:
      /\b((?:mrn|medical record(?: number| no\.?| #)?|record(?: number| no\.?| #)|chart(?: number| no\.?| #)?|acct|account(?: number| no\.?| #)?|patient (?:id|number|#)|member (?:id|number|#)|policy(?: number| no\.?| #)?|claim(?: number| no\.?| #)?|invoice(?: number| no\.?| #)?|statement(?: number| no\.?| #)?|ssn|social security(?: number)?|id(?: number| no\.?| #)?|ref(?:erence)?(?: number| no\.?| #)?)\s*(?:[:#]|no\.?|number|is)?\s*)([a-z]{0,4}[-\s]?\d[\d-]{2,}[a-z\d]*)/giu,
    replace: (_m, [label, id]) => (/\d{3,}/.test((id ?? "").replace(/-/g, "")) ? `${label}${mark("number")}` : _m),
  },
  { kind: "number", pattern: /\b\d{3}-\d{2}-\d{4}\b/g },
  {
    kind: "phone",
    pattern: /(?<![\p{L}\p{N}$])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\p{L}\p{N}])/gu,
  },
  { kind: "phone", pattern: /(?<![\p{L}\p{N}$.,])(?:\+?1)?\d{10}(?![\p{L}\p{N}.,])/gu },
  { kind: "phone", pattern: /(?<![\p{L}\p{N}$.,:/-])\d{3}[-.]\d{4}(?![\p{L}\p{N}-]|\.\d)/gu },
  // Dates
  { kind: "date", pattern: /\b\d{4}-\d{1,2}-\d{1,2}\b/g },
  { kind: "date", pattern: /(?<![\d$.,])\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?![\d/])/g },
  {
    kind: "date",
    pattern: new RegExp(`\\b(?:${MONTHS})\\.?\\s+\\d{1,2}${ORDINAL}(?:,?\\s+\\d{4})?\\b`, "giu"),
    replace: (m) => (/^may\b/i.test(m) && !/^May\b/.test(m) ? m : mark("date")),
  },
  {
    kind: "date",
    pattern: new RegExp(`\\b\\d{1,2}${ORDINAL}\\s+(?:of\\s+)?(?:${MONTHS})\\b\\.?(?:,?\\s+\\d{4})?`, "giu"),
    replace: (m) => (/\bmay\b/i.test(m) && !/\bMay\b/.test(m) ? m : mark("date")),
  },
  {
    kind: "date",
    pattern: new RegExp(`\\b(?:${MONTHS})\\.?,?\\s+\\d{4}\\b`, "giu"),
    replace: (m) => (/^may\b/i.test(m) && !/^May\b/.test(m) ? m : mark("date")),
  },
  {
    // A bare month/day ("3/14"), unless it is a fraction ("1/2 hour") or a rating ("10/10").
    kind: "date",
    pattern: /(?<![\d$.,/])(\d{1,2})\/(\d{1,2})(?![\d/])/g,
    replace: (m, [mo, d], before, after) => {
      const month = Number(mo);
      const day = Number(d);
      if (month < 1 || month > 12 || day < 1 || day > 31) return m;
      if (FRACTION_UNITS.test(after)) return m;
      const rating = (day === 5 || day === 10) && month <= day;
      if (rating && !DATE_LEAD.test(before)) return m;
      return mark("date");
    },
  },
  // Record or account numbers without a label: "#48213", or any run of six or more digits.
  {
    kind: "number",
    pattern: /#\s?\d{4,}\b/g,
    replace: () => `#${mark("number")}`,
  },
  {
    kind: "number",
    pattern: /(?<![\p{L}\p{N}$.,])\d{2,}(?:[ -]\d{2,})*(?![\p{L}\p{N}]|[.,]\d)/gu,
    replace: (m) => (m.replace(/\D/g, "").length >= 6 ? mark("number") : m),
  },
  {
    kind: "address",
    pattern: new RegExp(
      `\\b\\d{1,6}\\s+(?:(?:${NAME_WORD})\\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Circle|Parkway|Pkwy|Highway|Hwy)\\b\\.?`,
      "gu",
    ),
  },
  // Names. No "i" flag here: with it, \p{Lu} would match lower-case letters too.
  {
    // After a title. "Miss" and "Dr" need a capital ("I miss the", "dr visits"); "mrs alvarez" does not.
    kind: "name",
    pattern: new RegExp(
      `\\b(?:(Mrs|Mr|Ms|Mx|mrs|mr|ms|mx|MRS|MR)\\b\\.?\\s+(?:\\p{Lu}\\.\\s*)?(${ANY_WORD})|(Miss|Dr|DR|Doctor)\\b\\.?\\s+(?:\\p{Lu}\\.\\s*)?(${NAME_WORD}))(?:(\\s+)(${NAME_WORD}))?`,
      "gu",
    ),
    replace: (m, [title1, name1, title2, name2, space, second]) => {
      const title = title1 ?? title2 ?? "";
      const first = name1 ?? name2 ?? "";
      if (!isName(first)) return m;
      const gap = /^\.?\s+/.exec(m.slice(title.length))?.[0] ?? " ";
      const rest = second && !isName(second) ? `${space ?? " "}${second}` : "";
      return `${title}${gap}${mark("name")}${rest}`;
    },
  },
  {
    // After a greeting: "Hi Sarah", "Dear Tom,". A lower-case word counts only when it stands
    // alone before a comma or the end ("hi sarah,"), never in "hey what gives".
    kind: "name",
    pattern: new RegExp(
      `\\b(${ci("hi")}|${ci("hello")}|${ci("hey")}|${ci("dear")}|${ci("good")} (?:${ci("morning")}|${ci("afternoon")}|${ci("evening")}))(,?\\s+)(${ANY_WORD})(?:(\\s+)(${NAME_WORD}))?(\\s*(?:[,!.:\\n]|$))?`,
      "gu",
    ),
    replace: (m, [greeting, gap, first, space, second, punct]) => {
      if (!first || !isName(first)) return m;
      const capital = /^\p{Lu}/u.test(first);
      if (!capital && (second || punct === undefined || gap?.includes(","))) return m;
      const rest = second && !isName(second) ? `${space ?? " "}${second}` : "";
      return `${greeting}${gap}${mark("name")}${rest}${punct ?? ""}`;
    },
  },
  {
    kind: "name",
    pattern: new RegExp(
      `\\b(${ci("my")} (?:name is|son|daughter|child|kid|baby|mom|mother|dad|father|husband|wife|partner|sister|brother|grandson|granddaughter|grandma|grandmother|grandpa|grandfather|aunt|uncle|niece|nephew),?)\\s+(${NAME_WORD})(?:(\\s+)(${NAME_WORD}))?`,
      "gu",
    ),
    replace: (m, [lead, first, space, second]) => {
      if (!first || !isName(first)) return m;
      const rest = second && !isName(second) ? `${space ?? " "}${second}` : "";
      return `${lead} ${mark("name")}${rest}`;
    },
  },
];

export function scrubComment(input: string): Scrubbed {
  let text = input.normalize("NFC");
  const redactions: RedactionCounts = {};
  for (const rule of RULES) {
    text = text.replace(rule.pattern, (...args) => {
      const match = args[0] as string;
      const offset = args.findIndex((a) => typeof a === "number");
      const groups = args.slice(1, offset) as string[];
      const at = args[offset] as number;
      const whole = args[offset + 1] as string;
      const replaced = rule.replace ? rule.replace(match, groups, whole.slice(0, at), whole.slice(at + match.length)) : mark(rule.kind);
      if (replaced !== match) redactions[rule.kind] = (redactions[rule.kind] ?? 0) + 1;
      return replaced;
    });
  }
  const total = Object.values(redactions).reduce((sum, n) => sum + (n ?? 0), 0);
  return { text, redactions, total };
}
