import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { csvStreamResponse, inBatches } from "#app/models/csv.server.ts";
import { learnerRecord } from "#app/models/progress.server.ts";
import { STATE_LABELS } from "#app/rules/item-states.ts";
import { assignedItems } from "#app/models/team-progress.server.ts";
import { findPerson } from "#app/models/team.server.ts";
import { practiceContext } from "#app/route-helpers/practice-context.server.ts";
import { services } from "#app/services.server.ts";
import { invariantResponse, readId } from "#app/route-helpers/validation.ts";

// One employee's record as CSV: their assignments, then their completed lessons. One person's
// record is small: it is read whole, and sent a batch of rows at a time like every export.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const id = readId(params.id);
  const person = id ? await findPerson(services.db, actor, id) : undefined;
  invariantResponse(person);
  const ctx = await practiceContext();
  const [items, record] = await Promise.all([
    assignedItems(services.db, person.id, ctx.catalog, ctx),
    learnerRecord(services.db, person.id, ctx.catalog, ctx.timeZone, ctx.now),
  ]);
  const rows = [
    ...items.map((i) => [person.name, "Assignment", i.title, STATE_LABELS[i.state], `${i.percent}%`, i.dueOn, i.completedOn, null, null]),
    ...record.completions.map((c) => [person.name, "Completed lesson", c.lessonTitle, "Done", "100%", null, c.completedOn, c.bestScore, c.attempts]),
  ];
  return csvStreamResponse(
    `deskcoach-${person.name.toLowerCase().replace(/\s+/g, "-")}.csv`,
    ["Person", "Record", "Module or lesson", "State", "Percent complete", "Due", "Completed", "Best score", "Attempts"],
    inBatches(rows),
  );
}
