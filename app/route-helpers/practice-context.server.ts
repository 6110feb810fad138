// The practice's time zone and "now", which most manager pages need together.
import { getPractice } from "#app/models/practice.server.ts";
import { services } from "#app/services.server.ts";

export async function practiceContext(): Promise<{ now: Date; timeZone: string; catalog: typeof services.catalog }> {
  const practice = await getPractice(services.db);
  return { now: services.clock.now(), timeZone: practice?.time_zone ?? "UTC", catalog: services.catalog };
}
