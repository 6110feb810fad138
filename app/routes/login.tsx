import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { homeFor, requireAnonymous, signIn, signInAttempt } from "#app/route-helpers/auth.server.ts";
import { FormError, TextField } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { DEMO_PASSWORD, DEMO_PEOPLE } from "#app/models/demo.server.ts";
import { guardSignIn, lockoutMessage } from "#app/models/login-throttle.server.ts";
import { verifyPassword } from "#app/models/passwords.server.ts";
import { isSetupOpen } from "#app/models/practice.server.ts";
import { findUserForSignIn } from "#app/models/users.server.ts";
import { safeRedirect } from "#app/route-helpers/safe-redirect.ts";
import { mailOrigin } from "#app/route-helpers/account-mail.server.ts";
import { services } from "#app/services.server.ts";
import { formReply, parseForm, readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Sign in · DeskCoach" }];

const schema = z.object({
  email: z.string().trim().min(1, "Enter your email.").max(254, "That email is too long."),
  password: z.string().min(1, "Enter your password.").max(200, "That password is too long."),
  redirectTo: z.string().optional(),
});

const WRONG = "That email and password do not match an active account.";

// Public: the sign-in page.
export async function loader({ request }: LoaderFunctionArgs) {
  if (await isSetupOpen(services.db)) throw redirect("/setup");
  await requireAnonymous(request);
  return {
    demoAccounts: services.env.DEMO_MODE
      ? DEMO_PEOPLE.map((p) => ({ email: p.email, who: `${p.name}, ${p.jobTitle.toLowerCase()}` }))
      : null,
    demoPassword: services.env.DEMO_MODE ? DEMO_PASSWORD : null,
    resetByEmail: mailOrigin() !== null,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request);
  const form = parseForm(await readForm(request), schema);
  if (!form.ok) return formReply(form, {});
  const { email, password } = form.data;
  // A locked-out attempt is refused before any password is hashed.
  const result = await guardSignIn(services.db, signInAttempt(request, context, email), async () => {
    const user = await findUserForSignIn(services.db, email);
    // Verify even when there is no such user, so both cases take the same time and answer alike.
    const ok = await verifyPassword(user?.password_hash ?? null, password);
    return user && ok && user.status === "active" ? { userId: user.id, role: user.role } : null;
  });
  if (result.outcome === "locked") return formReply({ errors: { form: lockoutMessage(result.lockout) }, values: { email } }, {}, 429);
  if (result.outcome === "refused") return formReply({ errors: { form: WRONG }, values: { email } }, {});
  return signIn(request, result.value.userId, safeRedirect(form.data.redirectTo, homeFor(result.value)), result.deviceTokens);
}

export default function Login() {
  const { demoAccounts, demoPassword, resetByEmail } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const errors: Record<string, string> = result?.errors ?? {};
  const busy = useIsPending();
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {params.get("password") === "reset" && !result ? (
        <p className="notice" role="status">
          Your new password is set. Sign in with it.
        </p>
      ) : null}
      <Form method="post" noValidate className="stack">
        <FormError error={errors.form} />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          defaultValue={result?.values?.email}
          error={errors.email}
          required
        />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" error={errors.password} required />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </Form>
      <p>
        New here, or given a reset code? <Link to="/login/code">I have a code</Link>
      </p>
      {resetByEmail ? (
        <p>
          <Link to="/login/forgot">Forgot your password?</Link>
        </p>
      ) : (
        <p className="muted">Forgot your password? Ask your office manager for a reset code.</p>
      )}
      {demoAccounts ? (
        <aside className="demo-accounts" aria-labelledby="demo-heading">
          <h2 id="demo-heading">Demo accounts</h2>
          <p>
            This is a demo practice. Every account's password is <code>{demoPassword}</code>.
          </p>
          <ul>
            {demoAccounts.map((a) => (
              <li key={a.email}>
                <code>{a.email}</code> — {a.who}
              </li>
            ))}
          </ul>
        </aside>
      ) : null}
    </section>
  );
}
