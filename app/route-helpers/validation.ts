// Reading what a request sent, and the answers routes give when it will not do: a form sent back
// with a message beside each field (what was typed put back in), 404 and 403. Validation is zod,
// shaped for forms: one message per field, ready to show beside it.
import { data } from "@remix-run/node";
import { z } from "zod";
import { FieldError } from "#app/models/field-error.ts";

export type FieldErrors = Record<string, string>;
/** Text values of a form, one per field, as a page puts them back into its fields. */
export type FormValues = Record<string, string>;

/** Longer than any field allows; a refused value this long is not put back into the form. */
const MAX_ECHOED_LENGTH = 10_000;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors; values: FormValues };

/**
 * zod says "Required" for a field a request left out, wherever a schema is checked; the person at
 * the desk gets a sentence instead. Set once for the whole server (every action imports this file).
 */
z.setErrorMap((issue, ctx) =>
  issue.code === "invalid_type" && issue.received === "undefined"
    ? { message: "This field was missing from the form. Reload the page and try again." }
    : { message: ctx.defaultError },
);

/** Each field's first text value, as sent (files left out). */
export function formFields(form: FormData): FormValues {
  const values: FormValues = {};
  for (const [key, value] of form.entries()) {
    if (typeof value === "string" && !(key in values)) values[key] = value;
  }
  return values;
}

/**
 * What a refused form puts back into its fields. Never a secret, nor a value far past every
 * field's limit (a pasted megabyte would only make the answer a megabyte larger, twice over).
 */
export function formValues(form: FormData | FormValues): FormValues {
  const values = form instanceof FormData ? formFields(form) : { ...form };
  for (const key of Object.keys(values)) if (/password/i.test(key) || (values[key] as string).length > MAX_ECHOED_LENGTH) delete values[key];
  return values;
}

export function parseForm<S extends z.ZodTypeAny>(form: FormData, schema: S): FormResult<z.infer<S>> {
  const fields = formFields(form);
  const result = schema.safeParse(fields);
  if (result.success) return { ok: true, data: result.data as z.infer<S> };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return { ok: false, errors, values: formValues(fields) };
}

/**
 * A form sent back (400 unless said otherwise): each message beside its field, what was typed put
 * back, and whatever else the page shows with it (`rest`).
 */
export function formReply<Rest extends object>(refused: { errors: FieldErrors; values: FormValues }, rest: Rest, status = 400) {
  return data({ errors: refused.errors, values: refused.values, ...rest }, { status });
}

/**
 * The answer to a change a model refused: a plain 404 when the thing does not exist for this
 * person; otherwise the form again, the message beside its field, with the refusal's status.
 */
export function fieldErrorReply<Rest extends object>(error: FieldError, form: FormData, rest: Rest, values = formValues(form)) {
  if (error.status === 404) throw notFound();
  return formReply({ errors: { [error.field]: error.message }, values }, rest, error.status);
}

/**
 * Runs a route's change. A FieldError the model throws becomes the form's answer
 * (fieldErrorReply); anything else, a redirect included, goes on as thrown.
 */
export async function withFieldErrors<T, Rest extends object>(form: FormData, rest: Rest, change: () => Promise<T>, values?: FormValues) {
  try {
    return await change();
  } catch (error) {
    if (error instanceof FieldError) return fieldErrorReply(error, form, rest, values);
    throw error;
  }
}

/** "This does not exist", or does not for you: the two are never told apart. */
export function notFound(): Response {
  return new Response("Not found", { status: 404, statusText: "Not Found" });
}

export function forbidden(): Response {
  return new Response("You do not have access to this page.", { status: 403, statusText: "Forbidden" });
}

/**
 * The Epic Stack's invariantResponse: unless `condition` holds, the route stops with this answer
 * (by default a 404). `invariantResponse(person)` reads as "there must be a person, or 404".
 */
export function invariantResponse(condition: unknown, answer: () => Response = notFound): asserts condition {
  if (!condition) throw answer();
}

/** A record's id from an address or a form: a positive whole number, or null. */
export function readId(value: FormDataEntryValue | string | null | undefined): number | null {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * The id a page gives each form it renders (randomUUID), so that a form sent twice counts once.
 * Every route checks one through this.
 */
export const requestIdSchema = z.string().uuid();

export function readRequestId(value: FormDataEntryValue | string | null | undefined): string | null {
  const parsed = requestIdSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
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
