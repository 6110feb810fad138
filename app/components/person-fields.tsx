import { SelectField, TextField } from "./field.tsx";

interface Props {
  values: Record<string, string | undefined>;
  errors: Record<string, string>;
  locations: { id: number; name: string }[];
  jobTitles: string[];
  /** Only an owner may make managers or limit them to a location. */
  canSetRole: boolean;
  /** A location-scoped manager adds people at their location only. */
  fixedLocationId: number | null;
}

export function PersonFields({ values, errors, locations, jobTitles, canSetRole, fixedLocationId }: Props) {
  return (
    <>
      <TextField label="Name" name="name" autoComplete="off" defaultValue={values.name} error={errors.name} required />
      <TextField label="Email" name="email" type="email" autoComplete="off" defaultValue={values.email} error={errors.email} required hint="They sign in with this. No email is sent." />
      <TextField label="Job title" name="jobTitle" list="job-titles" defaultValue={values.jobTitle} error={errors.jobTitle} hint="For example Receptionist, Scheduler, Billing clerk." />
      <datalist id="job-titles">
        {jobTitles.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      {fixedLocationId ? (
        <input type="hidden" name="locationId" value={fixedLocationId} />
      ) : (
        <SelectField
          label="Location"
          name="locationId"
          defaultValue={values.locationId ?? ""}
          error={errors.locationId}
          options={[{ value: "", label: "No location" }, ...locations.map((l) => ({ value: String(l.id), label: l.name }))]}
        />
      )}
      <TextField label="Hire date (optional)" name="hiredOn" type="date" defaultValue={values.hiredOn} error={errors.hiredOn} />
      <TextField
        label="Hourly wage (optional)"
        name="hourlyWage"
        inputMode="decimal"
        defaultValue={values.hourlyWage}
        error={errors.hourlyWage}
        hint="In dollars, like 21.50. Used only for the owner's labour-cost report."
      />
      {canSetRole ? (
        <>
          <SelectField
            label="Role"
            name="role"
            defaultValue={values.role ?? "staff"}
            error={errors.role}
            options={[
              { value: "staff", label: "Staff" },
              { value: "manager", label: "Manager" },
              { value: "owner", label: "Owner" },
            ]}
          />
          <SelectField
            label="A manager manages"
            name="scopeLocationId"
            defaultValue={values.scopeLocationId ?? ""}
            error={errors.scopeLocationId}
            hint="Limit a manager to one location's people, or leave it at the whole practice."
            options={[{ value: "", label: "The whole practice" }, ...locations.map((l) => ({ value: String(l.id), label: `Only ${l.name}` }))]}
          />
        </>
      ) : (
        <input type="hidden" name="role" value={values.role ?? "staff"} />
      )}
    </>
  );
}
