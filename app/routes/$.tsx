// Every address no other route claims. Without it Remix answers an unknown address with its own
// internal 404, whose page data reads `Error: No route matches URL "…"` and whose server log gets
// a stack trace for every probe of /.env or /wp-login.php. A plain 404, shown by the root's
// error page, says only "Page not found".
function notFound(): never {
  throw new Response("Not found", { status: 404, statusText: "Not Found" });
}

// Public: it shows nothing, to anyone.
export function loader() {
  return notFound();
}

export function action() {
  return notFound();
}

// A page component, so that the root's error page (not a bare text response) answers.
export default function NotFound() {
  return null;
}
