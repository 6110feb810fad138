import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getUser, homeFor } from "#app/route-helpers/auth.server.ts";
import { isSetupOpen } from "#app/models/practice.server.ts";
import { services } from "#app/services.server.ts";

// Public: only decides where to go.
export async function loader({ request }: LoaderFunctionArgs) {
  if (await isSetupOpen(services.db)) throw redirect("/setup");
  const user = await getUser(request);
  throw redirect(user ? homeFor(user) : "/login");
}
