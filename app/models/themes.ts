// Themes: which skills a patient's comment is about, by the phrase rules in content/themes.yaml.
// A theme is a topic, not a verdict: "no wait at all" is about waiting too, and the rating says
// how it went. The rules are written by people, so they stay simple (see content/README.md):
// whole words, any case, `*` at the end of a word for any ending, a hyphen for "with or without".

export interface ThemeRule {
  /** A skill id from content/skills.yaml. */
  skill: string;
  phrases: string[];
}

export interface CompiledTheme {
  skill: string;
  patterns: RegExp[];
}

const WORD = /^[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*\*?$/u;

/** Why a phrase cannot be used, or null when it is fine. */
export function phraseProblem(phrase: unknown): string | null {
  if (typeof phrase !== "string" || phrase.trim() === "") return "a phrase must be text";
  const words = phrase.trim().split(/\s+/);
  if (words.length > 6) return `phrase "${phrase}" has more than 6 words`;
  for (const word of words) {
    if (!WORD.test(word)) {
      return `phrase "${phrase}": use letters, digits, apostrophes and hyphens, with * only at the end of a word`;
    }
  }
  if (words.length === 1 && (words[0] ?? "").replace(/[^\p{L}\p{N}]/gu, "").length < 3) {
    return `phrase "${phrase}" is too short to match safely; use a longer word or a phrase`;
  }
  return null;
}

function wordPattern(word: string): string {
  const wildcard = word.endsWith("*");
  const body = (wildcard ? word.slice(0, -1) : word)
    .toLowerCase()
    .split("")
    .map((ch) => (ch === "'" || ch === "’" ? "['’]" : ch === "-" ? "[-\\s]?" : ch))
    .join("");
  return wildcard ? `${body}[\\p{L}\\p{N}'’-]*` : body;
}

/** One phrase as a case-insensitive pattern on word boundaries; words may be split by any gap. */
export function phrasePattern(phrase: string): RegExp {
  const words = phrase.trim().split(/\s+/).map(wordPattern);
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join("[^\\p{L}\\p{N}]+")}(?![\\p{L}\\p{N}])`, "iu");
}

export function compileThemes(rules: ThemeRule[]): CompiledTheme[] {
  return rules.map((r) => ({ skill: r.skill, patterns: r.phrases.map(phrasePattern) }));
}

/** The skills a comment is about, in the order the rules list them. */
export function matchThemes(themes: CompiledTheme[], comment: string): string[] {
  // The scrubber's marks are not words of the comment: "[name]" must not match a phrase "name".
  const text = comment.replace(/\[(?:name|phone|email|date|number|address)\]/g, " ");
  if (text.trim() === "") return [];
  return themes.filter((t) => t.patterns.some((p) => p.test(text))).map((t) => t.skill);
}
