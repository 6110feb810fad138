// The guard of every page about one studio lesson: a manager, and a lesson they may open. Anyone
// else's draft is 404 to a manager scoped to one location, exactly as a lesson that does not exist.
import { FieldError } from "#app/models/field-error.ts";
import { lessonForEdit } from "#app/models/studio.server.ts";
import { services } from "#app/services.server.ts";
import { requireRole } from "./auth.server.ts";
import { notFound, readId } from "./validation.ts";

export async function studioLesson(request: Request, id: string | undefined) {
  const actor = await requireRole(request, "manager");
  const lessonId = readId(id);
  if (lessonId === null) throw notFound();
  try {
    return { actor, lesson: await lessonForEdit(services.db, actor, lessonId) };
  } catch (error) {
    if (error instanceof FieldError && error.status === 404) throw notFound();
    throw error;
  }
}
