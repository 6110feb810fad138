import { CATEGORIES } from "#app/rules/spend-categories.ts";
import { SelectField, TextField } from "./field.tsx";
import { PersonFinder, type PickView } from "./person-finder.tsx";

interface Props {
  values: Record<string, string | undefined>;
  errors: Record<string, string>;
  /** Whom the shares table offers: everyone, or in a large practice those found and those already in the form. */
  pick: PickView;
  today: string;
}

/** Date, category, vendor, description, amount, and whom the spend belongs to. */
export function ExpenseFields({ values, errors, pick, today }: Props) {
  const people = pick.people;
  const belongsTo = values.belongsTo ?? "practice";
  const ticked = new Set((values.people ?? "").split(",").filter(Boolean));
  return (
    <>
      <TextField label="Date" name="spentOn" type="date" max={today} defaultValue={values.spentOn ?? today} error={errors.spentOn} required />
      <SelectField
        label="Category"
        name="category"
        defaultValue={values.category ?? ""}
        error={errors.category}
        options={[{ value: "", label: "Choose…" }, ...CATEGORIES.map((c) => ({ value: c.id, label: c.label }))]}
      />
      <TextField label="Vendor" name="vendor" defaultValue={values.vendor} error={errors.vendor} required />
      <TextField label="Description" name="description" defaultValue={values.description} error={errors.description} required />
      <TextField label="Amount" name="amount" inputMode="decimal" defaultValue={values.amount} error={errors.amount} hint="Dollars and cents, like 1,234.56" required />
      <fieldset>
        <legend>Belongs to</legend>
        {errors.belongsTo ? <p className="field-error">{errors.belongsTo}</p> : null}
        <div className="choice">
          <input type="radio" id="b-practice" name="belongsTo" value="practice" defaultChecked={belongsTo === "practice"} />
          <label htmlFor="b-practice">The whole practice (shared equally among everyone in the reports)</label>
        </div>
        <div className="choice">
          <input type="radio" id="b-equal" name="belongsTo" value="equal" defaultChecked={belongsTo === "equal"} />
          <label htmlFor="b-equal">The people ticked below, split equally</label>
        </div>
        <div className="choice">
          <input type="radio" id="b-explicit" name="belongsTo" value="explicit" defaultChecked={belongsTo === "explicit"} />
          <label htmlFor="b-explicit">The people below, with the amounts entered (must add up to the total)</label>
        </div>
        {errors.people ? (
          <p className="field-error" role="alert">
            {errors.people}
          </p>
        ) : null}
        <PersonFinder pick={pick} />
        {people.length === 0 ? null : (
          <div className="table-wrap">
            <table className="people-shares">
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Split equally</th>
                  <th scope="col">Or this amount</th>
                </tr>
              </thead>
              <tbody>
                {people.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.name}</th>
                    <td>
                      <input type="checkbox" name="people" value={p.id} aria-label={`${p.name}: share equally`} defaultChecked={ticked.has(String(p.id))} />
                    </td>
                    <td>
                      <input
                        name={`share.${p.id}`}
                        inputMode="decimal"
                        className="money-input"
                        aria-label={`${p.name}: amount`}
                        defaultValue={values[`share.${p.id}`]}
                        aria-invalid={errors[`share.${p.id}`] ? true : undefined}
                      />
                      {errors[`share.${p.id}`] ? <p className="field-error">{errors[`share.${p.id}`]}</p> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </fieldset>
    </>
  );
}
