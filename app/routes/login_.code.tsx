import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { z } from "zod";
import { homeFor, requireAnonymous, signIn, signInAttempt } from "#app/route-helpers/auth.server.ts";
import { FormError, TextField } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { CodeError, redeemCode } from "#app/models/access-codes.server.ts";
import { guardSignIn, lockoutMessage } from "#app/models/login-throttle.server.ts";
import { hashPassword } from "#app/models/passwords.server.ts";
import { MIN_PASSWORD_LENGTH } from "#app/rules/passwords.ts";
import { services } from "#app/services.server.ts";
import { newPassword, PASSWORDS_DIFFER, passwordsMatch } from "#app/route-helpers/forms.ts";
import { formReply, parseForm, readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Use a code · DeskCoach" }];

// Public: a new person (or one whose password was reset) chooses a password with their code.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return null;
}

const schema = z
  .object({
    email: z.string().trim().min(1, "Enter your email.").max(254, "That email is too long."),
    code: z.string().trim().min(1, "Enter the code your manager gave you.").max(40, "That code is too long."),
    ...newPassword,
  })
  .refine(passwordsMatch, PASSWORDS_DIFFER);

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request);
  const form = parseForm(await readForm(request), schema);
  if (!form.ok) return formReply(form, {});
  const values = { email: form.data.email };
  // Codes are guessable only by brute force: the same guard as sign-in applies.
  const attempt = signInAttempt(request, context, form.data.email);
  let refusal = "";
  const result = await guardSignIn(services.db, attempt, async () => {
    try {
      return await redeemCode(services.db, { ...form.data, passwordHash: await hashPassword(form.data.password), now: attempt.now });
    } catch (error) {
      if (!(error instanceof CodeError)) throw error;
      refusal = error.message;
      return null;
    }
  });
  if (result.outcome === "locked") return formReply({ errors: { form: lockoutMessage(result.lockout) }, values }, {}, 429);
  if (result.outcome === "refused") return formReply({ errors: { form: refusal }, values }, {});
  return signIn(request, result.value.userId, homeFor(result.value), result.deviceTokens);
}

export default function UseCode() {
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  const busy = useIsPending();
  return (
    <section className="narrow">
      <h1>Choose your password</h1>
      <p>Your manager gave you a one-time code. Enter it with your email, then choose a password.</p>
      <Form method="post" noValidate className="stack">
        <FormError error={errors.form} />
        <TextField label="Email" name="email" type="email" autoComplete="username" defaultValue={result?.values?.email} error={errors.email} required />
        <TextField label="Code" name="code" autoComplete="one-time-code" autoCapitalize="characters" spellCheck={false} error={errors.code} hint="Like ABCD-EFGH-JKMN. Dashes are optional." required />
        <TextField label="New password" name="password" type="password" autoComplete="new-password" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`} error={errors.password} required />
        <TextField label="New password again" name="confirmPassword" type="password" autoComplete="new-password" error={errors.confirmPassword} required />
        <button type="submit" className="button primary" disabled={busy}>
          Set password and sign in
        </button>
      </Form>
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
