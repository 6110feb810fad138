// Every address no other route claims. Without it Remix answers an unknown address with its own
// internal 404, whose page data reads `Error: No route matches URL "…"` and whose server log gets
// a stack trace for every probe of /.env or /wp-login.php. A plain 404, shown by the root's
// error page, says only "Page not found".
import { notFound } from "#app/route-helpers/validation.ts";

// Public: it shows nothing, to anyone.
export function loader(): never {
  throw notFound();
}

export function action(): never {
  throw notFound();
}

// A page component, so that the root's error page (not a bare text response) answers.
export default function NotFound() {
  return null;
}
