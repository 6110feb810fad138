import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireAnonymous } from "#app/route-helpers/auth.server.ts";
import { FormError, TextField } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { findResetLink, resetPasswordWithLink } from "#app/models/mail/account-mail.server.ts";
import { hashPassword } from "#app/models/passwords.server.ts";
import { MIN_PASSWORD_LENGTH } from "#app/rules/passwords.ts";
import { newPassword, PASSWORDS_DIFFER, passwordsMatch } from "#app/route-helpers/forms.ts";
import { formReply, parseForm, readForm } from "#app/route-helpers/validation.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Choose a new password · DeskCoach" }, { name: "robots", content: "noindex" }];

// Public: the link in a reset email is the key. Opening it only shows the form (mail scanners
// open links); the POST sets the password once and ends the person's sessions. A link that is
// unknown, used or expired answers one calm page with a way to ask again.
const expired = () => data({ live: false as const, email: null }, { status: 404 });

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  const link = await findResetLink(services.db, params.token ?? "", services.clock.now());
  if (!link) return expired();
  return { live: true as const, email: link.email };
}

const schema = z.object({ ...newPassword }).refine(passwordsMatch, PASSWORDS_DIFFER);

export async function action({ request, params }: ActionFunctionArgs) {
  await requireAnonymous(request);
  const token = params.token ?? "";
  if (!(await findResetLink(services.db, token, services.clock.now()))) return data({ expired: true as const, errors: {}, values: {} }, { status: 404 });
  const form = parseForm(await readForm(request), schema);
  if (!form.ok) return formReply({ errors: form.errors, values: {} }, { expired: false as const });
  const done = await resetPasswordWithLink(services.db, { token, passwordHash: await hashPassword(form.data.password), now: services.clock.now() });
  if (!done) return data({ expired: true as const, errors: {}, values: {} }, { status: 404 });
  throw redirect("/login?password=reset");
}

export default function ResetPassword() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  const busy = useIsPending();
  if (!loaded.live || result?.expired) {
    return (
      <section className="narrow" aria-labelledby="reset-heading">
        <h1 id="reset-heading">This link has expired</h1>
        {result?.expired ? <FormError error="Your password was not changed: this link no longer works." /> : null}
        <p>A link to choose a new password works once, for a short while, and only the newest one you asked for works.</p>
        <p className="actions">
          <Link to="/login/forgot" className="button primary">
            Ask for a new link
          </Link>
          <Link to="/login" className="button">
            Sign in
          </Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="reset-heading">
      <h1 id="reset-heading">Choose a new password</h1>
      <p>
        For <bdi>{loaded.email}</bdi>. Once it is set, you are signed out everywhere else.
      </p>
      <Form method="post" noValidate className="stack">
        <FormError error={errors.form} />
        {/* Lets password managers file the new password under the right account. */}
        <input type="hidden" name="username" autoComplete="username" value={loaded.email} />
        <TextField label="New password" name="password" type="password" autoComplete="new-password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={errors.password} required />
        <TextField label="New password again" name="confirmPassword" type="password" autoComplete="new-password" error={errors.confirmPassword} required />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Saving…" : "Set new password"}
        </button>
      </Form>
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
