import { Form } from "@remix-run/react";

/** Switches the fiscal year a money page shows (a GET form: works without JavaScript). */
export function YearPicker({ year, current, label }: { year: number; current: number; label: (y: number) => string }) {
  const years = Array.from({ length: 6 }, (_, i) => current + 1 - i);
  return (
    <Form method="get" className="inline-fields year-picker">
      <div className="field">
        <label htmlFor="fy">Fiscal year</label>
        <select id="fy" name="fy" defaultValue={String(year)}>
          {years.map((y) => (
            <option key={y} value={y}>
              {label(y)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button">
        Show
      </button>
    </Form>
  );
}
