import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireUser } from "#app/route-helpers/auth.server.ts";
import { recordLessonTime } from "#app/models/visits.server.ts";
import { services } from "#app/services.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { formFields, invariantResponse, notFound, readForm } from "#app/route-helpers/validation.ts";

const schema = z.object({ seconds: z.coerce.number().int().min(1).max(60) });

// Reading-time heartbeats from an open lesson page (JavaScript only; see visits.server.ts).
export async function loader() {
  throw notFound();
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const lesson = params.slug ? (await currentCatalog()).lesson(params.slug) : undefined;
  invariantResponse(lesson);
  const parsed = schema.safeParse(formFields(await readForm(request)));
  if (!parsed.success) return new Response("seconds must be a whole number from 1 to 60", { status: 400 });
  await recordLessonTime(services.db, {
    userId: user.id,
    lessonSlug: lesson.slug,
    seconds: parsed.data.seconds,
    now: services.clock.now(),
  });
  return new Response(null, { status: 204 });
}
