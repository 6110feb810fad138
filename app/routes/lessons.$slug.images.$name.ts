import fs from "node:fs";
import path from "node:path";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { publishedImage } from "#app/models/studio.server.ts";
import { requireUser } from "#app/route-helpers/auth.server.ts";
import { imageResponse, IMAGE_NAME, mimeOfName } from "#app/route-helpers/image-response.server.ts";
import { currentCatalog } from "#app/route-helpers/practice-context.server.ts";
import { notFound } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

/**
 * A picture in a lesson, for anyone signed in: a published studio lesson's (from the database), or
 * a library lesson's (from its module's images/ folder in content/).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireUser(request);
  const name = params.name ?? "";
  const lesson = (await currentCatalog()).lesson(params.slug ?? "");
  if (!lesson || !IMAGE_NAME.test(name)) throw notFound();
  const stored = await publishedImage(services.db, lesson.slug, name);
  if (stored) return imageResponse(stored, "private, max-age=86400");
  const file = path.join(services.env.CONTENT_DIR, lesson.moduleSlug, "images", name);
  const mime = mimeOfName(name);
  if (!mime || !fs.existsSync(file)) throw notFound();
  return imageResponse({ mime, bytes: fs.readFileSync(file) }, "private, max-age=86400");
}
