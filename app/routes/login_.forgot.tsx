import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { requireAnonymous, signInAttempt } from "#app/route-helpers/auth.server.ts";
import { inBackground, mailOrigin } from "#app/route-helpers/account-mail.server.ts";
import { FormError, TextField } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { admitResetRequest, requestPasswordReset, RESET_MINUTES } from "#app/models/mail/account-mail.server.ts";
import { services } from "#app/services.server.ts";
import { formReply, parseForm, readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Forgot your password? · DeskCoach" }];

// Public: asks for a reset link by email. Only when email is set up; otherwise the page says to
// ask a manager for a code.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAnonymous(request);
  return { emailSetUp: mailOrigin() !== null };
}

const schema = z.object({
  email: z.string().trim().min(1, "Enter your email.").max(254, "That email is too long.").email("Enter an email address like name@practice.com."),
});

const NOT_SET_UP = "Email is not set up for this practice. Ask your office manager for a reset code.";

export async function action({ request, context }: ActionFunctionArgs) {
  await requireAnonymous(request);
  // Without email there is no field to show a problem beside: the page says why, whatever was sent.
  const origin = mailOrigin();
  if (!origin) return formReply({ errors: { form: NOT_SET_UP }, values: {} }, { sentTo: null });
  const form = parseForm(await readForm(request), schema);
  if (!form.ok) return formReply(form, { sentTo: null });
  const { email } = form.data;
  const { address, now } = signInAttempt(request, context, email);
  // Counted per typed email whether or not an account has it, so a refusal tells nothing either.
  const wait = await admitResetRequest(services.db, { email, address, now });
  if (wait > 0) {
    const minutes = `${wait} minute${wait === 1 ? "" : "s"}`;
    return formReply({ errors: { form: `Too many requests for a reset email. Try again in ${minutes}, or ask your office manager for a reset code.` }, values: { email } }, { sentTo: null }, 429);
  }
  // The answer is decided before the address is even looked up: whether it has an account, and
  // the message written for it, happen after the answer, so neither its text nor its timing differs.
  inBackground(() => requestPasswordReset(services.db, { email, now, origin }));
  return { errors: {} as Record<string, string>, values: {} as Record<string, string>, sentTo: email, minutes: RESET_MINUTES };
}

export default function Forgot() {
  const { emailSetUp } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  const busy = useIsPending();
  if (result?.sentTo) {
    return (
      <section className="narrow" aria-labelledby="forgot-heading">
        <h1 id="forgot-heading">Check your email</h1>
        <p role="status">
          If <bdi>{result.sentTo}</bdi> belongs to an active DeskCoach account, a link to choose a new password is on its way. It works once, for{" "}
          {result.minutes} minutes.
        </p>
        <p>Nothing after a few minutes? Look in your spam folder, check the spelling, or ask your office manager for a reset code.</p>
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="forgot-heading">
      <h1 id="forgot-heading">Forgot your password?</h1>
      {emailSetUp ? (
        <>
          <p>Enter the email you sign in with. We will send you a link to choose a new password.</p>
          <Form method="post" noValidate className="stack">
            <FormError error={errors.form} />
            <TextField label="Email" name="email" type="email" autoComplete="username" defaultValue={result?.values?.email} error={errors.email} required />
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? "Sending…" : "Email me a link"}
            </button>
          </Form>
        </>
      ) : (
        <>
          <FormError error={errors.form} />
          <p>{NOT_SET_UP}</p>
        </>
      )}
      <p>
        Have a code from your manager? <Link to="/login/code">I have a code</Link>
      </p>
      <p>
        <Link to="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
