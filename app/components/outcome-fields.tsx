// A month's outcome figures as a form's fields: the month, the location, and every figure, each
// optional (a blank stays blank).
import { SelectField, TextField } from "#app/components/field.tsx";
import { OUTCOME_FIGURES } from "#app/rules/outcomes.ts";

export function OutcomeFields({
  values,
  errors,
  locations,
  latestMonth,
}: {
  values: Record<string, string>;
  errors: Record<string, string>;
  locations: { id: number; name: string }[];
  latestMonth: string;
}) {
  return (
    <>
      <div className="inline-fields">
        <TextField label="Month" name="month" type="month" max={latestMonth} placeholder="2026-03" defaultValue={values.month ?? ""} error={errors.month} />
        <SelectField
          label="Location"
          name="locationId"
          defaultValue={values.locationId ?? (locations.length === 1 ? String(locations[0]?.id) : "")}
          error={errors.locationId}
          options={[...(locations.length === 1 ? [] : [{ value: "", label: "Choose…" }]), ...locations.map((l) => ({ value: String(l.id), label: l.name }))]}
        />
      </div>
      <fieldset>
        <legend>The month&apos;s figures (leave blank what you do not have)</legend>
        <div className="inline-fields">
          {OUTCOME_FIGURES.map((f) => (
            <TextField
              key={f.key}
              label={f.label}
              name={f.key}
              inputMode={f.key === "stars" ? "decimal" : "numeric"}
              autoComplete="off"
              hint={f.hint}
              defaultValue={values[f.key] ?? ""}
              error={errors[f.key]}
              size={8}
            />
          ))}
        </div>
      </fieldset>
    </>
  );
}
