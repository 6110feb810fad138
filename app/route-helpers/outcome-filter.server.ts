// What the outcomes pages show (?location=<id>&window=<months>): one location or all the person
// sees, and the months before and after each roll-out. A location outside a limited manager's
// scope, or one that does not exist, is not found.
import type { SessionUser } from "#app/models/sessions.server.ts";
import { listLocations } from "#app/models/team.server.ts";
import { DEFAULT_WINDOW_MONTHS, WINDOW_CHOICES } from "#app/rules/outcomes.ts";
import { services } from "#app/services.server.ts";
import { notFound, readId } from "./validation.ts";

export async function outcomeFilter(url: URL, user: SessionUser) {
  const locations = await listLocations(services.db, user);
  const asked = url.searchParams.get("location");
  let locationId: number | null = null;
  if (asked !== null && asked !== "") {
    const id = readId(asked);
    if (id === null || !locations.some((l) => l.id === id)) throw notFound();
    locationId = id;
  }
  // A manager limited to one location sees that one, named.
  if (user.scopeLocationId) locationId = user.scopeLocationId;
  const window = Number(url.searchParams.get("window"));
  return { locations, locationId, window: WINDOW_CHOICES.includes(window) ? window : DEFAULT_WINDOW_MONTHS };
}
