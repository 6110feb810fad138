import type { LoaderFunctionArgs } from "@remix-run/node";
import { FieldError } from "#app/models/field-error.ts";
import { packModule } from "#app/models/module-files.server.ts";
import { exportModule } from "#app/models/studio.server.ts";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { notFound, readId } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

/** The module as a folder of content/ (module.yaml, lessons, quizzes, pictures), zipped. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "manager");
  const id = readId(params.id);
  if (id === null) throw notFound();
  try {
    const { slug, files } = await exportModule(services.db, actor, id);
    const zip = packModule(slug, files);
    return new Response(new Uint8Array(zip), {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="${slug}.zip"`,
        "Cache-Control": "private, no-store",
      },
    });
  } catch (error) {
    if (error instanceof FieldError && error.status === 404) throw notFound();
    throw error;
  }
}
