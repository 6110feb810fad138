import { hash, verify } from "@node-rs/argon2";

// argon2id with OWASP's minimum settings: m=19456 KiB, t=2, p=1 (about 15 ms a hash here).
// `algorithm: 2` is Algorithm.Argon2id; the package declares it as a const enum, which
// isolatedModules cannot import.
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    // Spend the same time as a real check so that a missing account or password is not observable.
    await hash(password, OPTIONS);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
