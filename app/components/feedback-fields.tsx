import { SelectField, TextField } from "./field.tsx";

interface Props {
  values: Record<string, string | undefined>;
  errors: Record<string, string>;
  today: string;
  locations: { id: number; name: string }[];
  scoped: boolean;
}

const RATINGS = [
  { value: "", label: "Choose…" },
  { value: "5", label: "5 – excellent" },
  { value: "4", label: "4 – good" },
  { value: "3", label: "3 – fair" },
  { value: "2", label: "2 – poor" },
  { value: "1", label: "1 – very poor" },
];

/** The fields of one feedback item, as typed by a manager. */
export function FeedbackFields({ values, errors, today, locations, scoped }: Props) {
  const commentError = errors.comment;
  return (
    <>
      <div className="inline-fields">
        <TextField label="Date" name="date" type="date" max={today} defaultValue={values.date ?? today} error={errors.date} />
        <TextField label="Source" name="source" defaultValue={values.source} error={errors.source} hint="For example “Phone call” or “Comment card”." maxLength={60} />
        <SelectField label="Rating" name="rating" defaultValue={values.rating ?? ""} error={errors.rating} options={RATINGS} />
        <SelectField
          label="Location"
          name="locationId"
          defaultValue={values.locationId ?? (scoped ? String(locations[0]?.id ?? "") : "")}
          error={errors.locationId}
          options={[...(scoped ? [] : [{ value: "", label: "Whole practice" }]), ...locations.map((l) => ({ value: String(l.id), label: l.name }))]}
        />
      </div>
      <div className="field">
        <label htmlFor="comment">Comment</label>
        <p id="comment-hint" className="field-hint">
          The patient's words. Phone numbers, emails, dates, record numbers and names after a title or greeting are taken
          out before it is kept.
        </p>
        {commentError ? (
          <p id="comment-error" className="field-error" role="alert">
            <span aria-hidden="true">⚠ </span>
            {commentError}
          </p>
        ) : null}
        <textarea
          id="comment"
          name="comment"
          rows={4}
          maxLength={2000}
          defaultValue={values.comment}
          aria-invalid={commentError ? true : undefined}
          aria-describedby={commentError ? "comment-hint comment-error" : "comment-hint"}
        />
      </div>
    </>
  );
}
