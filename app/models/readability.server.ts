// What a lesson asks of its reader: words, minutes at a relaxed pace, and a Flesch–Kincaid grade.
import { fleschKincaid } from "flesch-kincaid";
import { syllable } from "syllable";

// Counting a word's syllables is most of the cost of a reading grade, and a lesson, the library and
// every draft a manager checks use the same few thousand words: each is counted once.
const syllableCounts = new Map<string, number>();
const MAX_COUNTED_WORDS = 50_000;

function syllablesOf(word: string): number {
  let count = syllableCounts.get(word);
  if (count === undefined) {
    count = Math.max(1, syllable(word));
    if (syllableCounts.size >= MAX_COUNTED_WORDS) syllableCounts.clear();
    syllableCounts.set(word, count);
  }
  return count;
}

/** A relaxed reading pace for a five-minute lesson: 500–900 words read in 4–6 minutes. */
export const WORDS_PER_MINUTE = 150;
export const MAX_READING_GRADE = 10;

/** The words a learner reads: markup, component tags and their attributes removed. */
export function proseOf(body: string): string {
  return body
    .replace(/<[^>]*>/g, " ")
    .replace(/`{3}[\s\S]*?`{3}/g, " ")
    .replace(/^\s{0,3}(#{1,6}|[-*+]|\d+\.|>)\s+/gm, "")
    .replace(/[*_`]/g, "");
}

export function countWords(prose: string): number {
  return prose.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/**
 * Sentences of an MDX body for the reading grade. Hard-wrapped lines join into their paragraph;
 * a heading or list item stands as a sentence of its own.
 */
export function sentencesOf(body: string): string[] {
  const units: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) units.push(paragraph.join(" "));
    paragraph = [];
  };
  for (const raw of body.replace(/<[^>]*>/g, " ").split("\n")) {
    const line = raw.trim();
    if (line === "") {
      flush();
    } else if (/^(#{1,6}|[-*+]|\d+\.)\s+/.test(line)) {
      flush();
      units.push(line);
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return units
    .map((u) => u.replace(/^(#{1,6}|[-*+]|\d+\.|>)\s+/, "").replace(/[*_`]/g, ""))
    .flatMap((u) => u.split(/(?<=[.!?])["”’)]*\s+/))
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** Flesch–Kincaid grade of an MDX body, to one decimal. */
export function readingGrade(body: string): number {
  const sentences = sentencesOf(body);
  const words = sentences.flatMap((s) => s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)));
  if (words.length === 0) return 0;
  const syllables = words.reduce((sum, w) => sum + syllablesOf(w.replace(/[^\p{L}'-]/gu, "") || "a"), 0);
  const grade = fleschKincaid({ sentence: sentences.length, word: words.length, syllable: syllables });
  return Math.round(grade * 10) / 10;
}
