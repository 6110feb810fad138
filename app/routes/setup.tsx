import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { signIn } from "#app/route-helpers/auth.server.ts";
import { FormError, SelectField, TextField } from "#app/components/field.tsx";
import { useIsPending } from "#app/components/use-is-pending.ts";
import { isValidTimeZone } from "#app/models/clock.server.ts";
import { MIN_PASSWORD_LENGTH } from "#app/rules/passwords.ts";
import { isSetupOpen, SetupClosedError, setupPractice } from "#app/models/practice.server.ts";
import { services } from "#app/services.server.ts";
import { newPassword, PASSWORDS_DIFFER, passwordsMatch } from "#app/route-helpers/forms.ts";
import { formReply, invariantResponse, parseForm, readForm } from "#app/route-helpers/validation.ts";

export const meta: MetaFunction = () => [{ title: "Set up your practice · DeskCoach" }];

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

const schema = z
  .object({
    practiceName: z.string().trim().min(2, "Enter the practice's name.").max(120, "Keep the name under 120 characters."),
    timeZone: z.string().refine(isValidTimeZone, "Choose a time zone from the list."),
    fiscalYearStartMonth: z.coerce.number({ invalid_type_error: "Choose a month." }).int().min(1, "Choose a month.").max(12, "Choose a month."),
    ownerName: z.string().trim().min(1, "Enter your name.").max(120, "Keep the name under 120 characters."),
    ownerEmail: z.string().trim().email("Enter an email address like name@practice.com.").max(254),
    ...newPassword,
  })
  .refine(passwordsMatch, PASSWORDS_DIFFER);

// Public, but only until the practice exists; afterwards it answers 404.
export async function loader(_: LoaderFunctionArgs) {
  invariantResponse(await isSetupOpen(services.db));
  const zones = Intl.supportedValuesOf("timeZone");
  return { zones };
}

export async function action({ request }: ActionFunctionArgs) {
  invariantResponse(await isSetupOpen(services.db));
  const form = parseForm(await readForm(request), schema);
  if (!form.ok) return formReply(form, {});
  try {
    const ownerId = await setupPractice(
      services.db,
      {
        practiceName: form.data.practiceName,
        timeZone: form.data.timeZone,
        fiscalYearStartMonth: form.data.fiscalYearStartMonth,
        ownerName: form.data.ownerName,
        ownerEmail: form.data.ownerEmail,
        password: form.data.password,
      },
      services.clock.now(),
    );
    return signIn(request, ownerId, "/manage");
  } catch (error) {
    if (error instanceof SetupClosedError) throw redirect("/login");
    throw error;
  }
}

export default function Setup() {
  const { zones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result?.errors ?? {};
  const values: Record<string, string> = result?.values ?? {};
  const busy = useIsPending();
  return (
    <section className="narrow">
      <h1>Set up your practice</h1>
      <p>This page appears once. It creates your practice and your owner account.</p>
      <Form method="post" noValidate className="stack">
        <FormError error={Object.keys(errors).length > 0 ? "Please fix the fields marked below." : undefined} />
        <fieldset>
          <legend>Practice</legend>
          <TextField label="Practice name" name="practiceName" defaultValue={values.practiceName} error={errors.practiceName} required />
          <SelectField
            label="Time zone"
            name="timeZone"
            defaultValue={values.timeZone ?? "America/New_York"}
            error={errors.timeZone}
            hint="Due dates and “today” follow this time zone."
            options={zones.map((z) => ({ value: z, label: z.replaceAll("_", " ") }))}
          />
          <SelectField
            label="Fiscal year starts in"
            name="fiscalYearStartMonth"
            defaultValue={values.fiscalYearStartMonth ?? "1"}
            error={errors.fiscalYearStartMonth}
            options={MONTHS.map((m, i) => ({ value: String(i + 1), label: m }))}
          />
        </fieldset>
        <fieldset>
          <legend>Your owner account</legend>
          <TextField label="Your name" name="ownerName" autoComplete="name" defaultValue={values.ownerName} error={errors.ownerName} required />
          <TextField label="Email" name="ownerEmail" type="email" autoComplete="email" defaultValue={values.ownerEmail} error={errors.ownerEmail} required />
          <TextField
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
            error={errors.password}
            required
          />
          <TextField label="Password again" name="confirmPassword" type="password" autoComplete="new-password" error={errors.confirmPassword} required />
        </fieldset>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? "Creating…" : "Create practice"}
        </button>
      </Form>
    </section>
  );
}
