import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "#app/route-helpers/auth.server.ts";

// Sign-out is a POST; a GET (a link, a crawler) changes nothing.
export async function loader() {
  throw redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  return signOut(request);
}
