// The practice's time zone, "now" and the library, which most pages need together.
import type { Catalog } from "#app/models/catalog.server.ts";
import { getPractice } from "#app/models/practice.server.ts";
import { services } from "#app/services.server.ts";

export async function practiceContext(): Promise<{ now: Date; timeZone: string; catalog: Catalog }> {
  const [practice, catalog] = await Promise.all([getPractice(services.db), currentCatalog()]);
  return { now: services.clock.now(), timeZone: practice?.time_zone ?? "UTC", catalog };
}

/** The library as of now: the built-in lessons with the practice's published ones. */
export function currentCatalog(): Promise<Catalog> {
  return services.library.current(services.db);
}
