// Staff accounts for the rounds that submit quizzes on many people's behalf, and their sign-ins.
import type { DB } from "#db/connection.ts";
import { hashPassword } from "#app/models/passwords.server.ts";
import { PASSWORD, type TrustIds } from "#tests/support/trust-practice.ts";
import { signIn } from "./http.ts";

export interface Learner {
  id: number;
  email: string;
  cookie: string;
}

/** Adds `count` active receptionists (desk01@demo.test…), alternating between the two offices. */
export async function addLearners(db: DB, practice: TrustIds, count: number): Promise<{ id: number; email: string }[]> {
  const hash = await hashPassword(PASSWORD);
  const at = new Date().toISOString();
  const people = Array.from({ length: count }, (_, i) => ({
    email: `desk${String(i + 1).padStart(2, "0")}@demo.test`,
    name: `Desk Learner ${i + 1}`,
    role: "staff" as const,
    job_title: "Receptionist",
    location_id: i % 2 === 0 ? practice.locations.maple : practice.locations.riverside,
    hourly_wage_cents: null,
    hired_on: null,
    status: "active" as const,
    password_hash: hash,
    created_at: at,
  }));
  const rows = await db.insertInto("user").values(people).returning("id").execute();
  return rows.map((r, i) => ({ id: r.id, email: people[i]?.email as string }));
}

/** Signs each in through the real form (a successful sign-in is never throttled). */
export async function signInAll(baseUrl: string, people: { id: number; email: string }[]): Promise<Learner[]> {
  const learners: Learner[] = [];
  for (const p of people) learners.push({ ...p, cookie: await signIn(baseUrl, p.email, PASSWORD) });
  return learners;
}
