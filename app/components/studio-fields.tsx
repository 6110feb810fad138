// Form pieces the studio's pages share.
import { Form } from "@remix-run/react";
import { TextField } from "./field.tsx";
import { useIsPending } from "./use-is-pending.ts";

export function ModuleFields({
  skills,
  errors,
  values,
  initial,
  submitLabel = "Create module",
}: {
  skills: { id: string; label: string }[];
  errors: Record<string, string>;
  values: Record<string, string>;
  initial?: { title: string; summary: string; skills: string[] };
  submitLabel?: string;
}) {
  const busy = useIsPending();
  return (
    <Form method="post" noValidate className="stack">
      <input type="hidden" name="intent" value="module" />
      <TextField label="Title" name="title" defaultValue={values.title ?? initial?.title ?? ""} error={errors.title} maxLength={100} />
      <TextField label="Summary (one sentence)" name="summary" defaultValue={values.summary ?? initial?.summary ?? ""} error={errors.summary} maxLength={300} />
      <fieldset>
        <legend>Skills it trains</legend>
        {errors.skills ? (
          <p className="field-error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {errors.skills}
          </p>
        ) : null}
        {skills.map((s) => (
          <div className="choice" key={s.id}>
            <input type="checkbox" id={`module-skill-${s.id}`} name="skills" value={s.id} defaultChecked={initial?.skills.includes(s.id)} />
            <label htmlFor={`module-skill-${s.id}`}>{s.label}</label>
          </div>
        ))}
      </fieldset>
      <button type="submit" className="button primary" disabled={busy}>
        {submitLabel}
      </button>
    </Form>
  );
}
