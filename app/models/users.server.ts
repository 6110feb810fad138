import type { DB } from "#db/connection.ts";
import type { Role } from "#db/schema.ts";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const ROLE_RANK: Record<Role, number> = { staff: 1, manager: 2, owner: 3 };

/** True when `role` includes everything `needed` may do (owner ⊃ manager ⊃ staff). */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

export async function findUserForSignIn(db: DB, email: string) {
  return db
    .selectFrom("user")
    .select(["id", "email", "name", "role", "status", "password_hash"])
    .where("email", "=", normalizeEmail(email))
    .executeTakeFirst();
}
