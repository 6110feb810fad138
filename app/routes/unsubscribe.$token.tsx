import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { findUnsubscription, unsubscribe } from "#app/models/mail/unsubscribe.server.ts";
import { invariantResponse, readForm } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Stop these emails · DeskCoach" }, { name: "robots", content: "noindex" }];

// Public: the link in an email (and its List-Unsubscribe header) is the key; no sign-in. Opening
// it only shows what it would turn off. A POST turns that one kind off for that one person: from
// the button below, or from a mail program's one-click unsubscribe (RFC 8058), which posts exactly
// `List-Unsubscribe=One-Click` from its own servers, so this route alone is let through the
// cross-site refusal (app/server/refusals.ts) and accepts no other body.
export async function loader({ params }: LoaderFunctionArgs) {
  const found = await findUnsubscription(services.db, params.token ?? "");
  invariantResponse(found);
  return { label: found.label, done: found.alreadyOff };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const fields = [...form.entries()];
  const oneClick = fields.length === 1 && fields[0]?.[0] === "List-Unsubscribe" && fields[0][1] === "One-Click";
  const found = await findUnsubscription(services.db, params.token ?? "");
  invariantResponse(found);
  if (!oneClick) return new Response("Use the button on this page to stop these emails.", { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const done = await unsubscribe(services.db, params.token ?? "", services.clock.now());
  invariantResponse(done);
  return { label: done.label, done: true };
}

export default function Unsubscribe() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const done = acted?.done ?? loaded.done;
  return (
    <section className="narrow" aria-labelledby="unsubscribe-heading">
      <h1 id="unsubscribe-heading">{done ? "You will not get these emails any more" : "Stop these emails?"}</h1>
      {done ? (
        <p>
          <strong>{loaded.label}</strong> are turned off for you. Other emails from DeskCoach, if any, are not changed. To turn
          these back on, sign in and tick them under <Link to="/progress#emails">Emails on your progress page</Link>.
        </p>
      ) : (
        <>
          <p>
            This turns off <strong>{loaded.label}</strong> for you. Nothing else changes, and you can turn them back on after you
            sign in, under <Link to="/progress#emails">Emails on your progress page</Link>.
          </p>
          <Form method="post">
            <input type="hidden" name="List-Unsubscribe" value="One-Click" />
            <button type="submit" className="button primary">
              Stop these emails
            </button>
          </Form>
        </>
      )}
    </section>
  );
}
