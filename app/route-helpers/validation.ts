// Form validation with zod, shaped for forms: one message per field, ready to show beside it.
import { z } from "zod";

export type FieldErrors = Record<string, string>;

/** Longer than any field allows; a refused value this long is not put back into the form. */
const MAX_ECHOED_LENGTH = 10_000;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: Record<string, string> };

/**
 * zod says "Required" for a field a request left out, wherever a schema is checked; the person at
 * the desk gets a sentence instead. Set once for the whole server (every action imports this file).
 */
z.setErrorMap((issue, ctx) =>
  issue.code === "invalid_type" && issue.received === "undefined"
    ? { message: "This field was missing from the form. Reload the page and try again." }
    : { message: ctx.defaultError },
);

export function parseForm<S extends z.ZodTypeAny>(form: FormData, schema: S): FormResult<z.infer<S>> {
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !(key in values)) values[key] = value;
  }
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data as z.infer<S> };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  // Never echo secrets back into the page, nor a value far past every field's limit (a pasted
  // megabyte would only make the answer a megabyte larger, twice over).
  for (const key of Object.keys(values)) if (/password/i.test(key) || (values[key] as string).length > MAX_ECHOED_LENGTH) delete values[key];
  return { ok: false, errors, values };
}

export const NOT_A_FORM = "This request did not come from one of DeskCoach's forms. Go back, reload the page and try again.";

/**
 * The submitted form. A body that is not a form (JSON, plain text, no content type, broken
 * multipart) is the sender's mistake: it is answered 400 with a message, never a server error.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new Response(NOT_A_FORM, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
