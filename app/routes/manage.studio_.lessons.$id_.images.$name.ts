import type { LoaderFunctionArgs } from "@remix-run/node";
import { draftImage } from "#app/models/studio.server.ts";
import { imageResponse } from "#app/route-helpers/image-response.server.ts";
import { studioLesson } from "#app/route-helpers/studio-lesson.server.ts";
import { notFound } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

/** A picture of a studio lesson, for the editor and its preview (whoever may open the lesson). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lesson } = await studioLesson(request, params.id);
  const image = await draftImage(services.db, actor, lesson.id, params.name ?? "");
  if (!image) throw notFound();
  return imageResponse(image, "private, no-cache");
}
