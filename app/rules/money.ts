// Money as people type it, into integer cents. One parser for every amount field.
export const MAX_CENTS = 100_000_000_00; // $100 million: anything bigger is a typo

export type AmountResult = { ok: true; cents: number } | { ok: false; message: string };

/**
 * Accepts "1,234.56", "$80", "80.5", "1234". Refuses negative numbers, European decimal commas
 * ("1.234,56"), more than two decimals, misplaced thousands separators and absurd amounts.
 */
export function parseAmount(input: string, { max = MAX_CENTS }: { max?: number } = {}): AmountResult {
  const text = input.trim().replace(/^\$\s*/, "");
  if (text === "") return { ok: false, message: "Enter an amount." };
  if (text.startsWith("-")) return { ok: false, message: "Enter an amount of zero or more, without a minus sign." };
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) {
    if (/^\d+(?:\.\d{3,})$/.test(text)) return { ok: false, message: "Use at most two decimals, like 12.50." };
    return { ok: false, message: "Enter an amount like 1,234.56 (dollars and cents)." };
  }
  const dollars = Number((match[1] ?? "0").replaceAll(",", ""));
  const cents = Number((match[2] ?? "").padEnd(2, "0") || "0");
  const total = dollars * 100 + cents;
  if (!Number.isSafeInteger(total) || total > max) {
    return { ok: false, message: `That amount is too large; the most is ${formatCents(max)}.` };
  }
  return { ok: true, cents: total };
}

// Made once: building an Intl.NumberFormat costs about a hundred times as much as using one.
const USD = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

export function formatCents(cents: number): string {
  return USD.format(cents / 100);
}

/**
 * Splits cents into `parts` shares that add up to the total exactly: everyone gets the floor,
 * and the leftover cents go one each to the first shares.
 */
export function splitEqually(totalCents: number, parts: number): number[] {
  if (parts <= 0) return [];
  const base = Math.floor(totalCents / parts);
  const leftover = totalCents - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < leftover ? 1 : 0));
}

/** Whole-cent result of a × b / c, rounded half up (for rates and projections). */
export function mulDiv(a: number, b: number, c: number): number {
  return c === 0 ? 0 : Math.round((a * b) / c);
}
