// A seeded random source, so a failing round can be replayed: every test prints its seed, and
// DURABILITY_SEED=<seed> runs the same choices again.
import { randomInt } from "node:crypto";

export function durabilitySeed(): number {
  const given = process.env.DURABILITY_SEED;
  if (given !== undefined && given !== "") {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`DURABILITY_SEED must be a whole number, got "${given}"`);
    return seed;
  }
  return randomInt(2 ** 31);
}

/** mulberry32: small, fast and good enough to pick moments and answers. Values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
