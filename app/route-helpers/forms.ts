// Form pieces shared by more than one route: a person form's values as a model's input, and a new
// password typed twice. The field rules themselves are in app/rules/fields.ts.
import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "#app/rules/passwords.ts";
import type { PersonForm } from "#app/rules/fields.ts";

export function personInput(form: PersonForm) {
  return {
    name: form.name,
    email: form.email,
    jobTitle: form.jobTitle,
    locationId: form.locationId,
    hiredOn: form.hiredOn,
    hourlyWageCents: form.hourlyWage,
    role: form.role,
    scopeLocationId: form.role === "manager" ? form.scopeLocationId : null,
  };
}

/** A new password typed twice. */
export const newPassword = {
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
    .max(MAX_PASSWORD_LENGTH, `Use at most ${MAX_PASSWORD_LENGTH} characters.`),
  confirmPassword: z.string(),
};

export function passwordsMatch(v: { password: string; confirmPassword: string }): boolean {
  return v.password === v.confirmPassword;
}

export const PASSWORDS_DIFFER = { message: "The passwords do not match.", path: ["confirmPassword"] };
