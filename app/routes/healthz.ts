import { sql } from "kysely";
import { services } from "#app/services.server.ts";

// Public: for load balancers and tests waiting for start-up. Says nothing but "ok".
export async function loader() {
  await sql`select 1`.execute(services.db);
  return new Response("ok", { headers: { "Content-Type": "text/plain", "Cache-Control": "no-store" } });
}
