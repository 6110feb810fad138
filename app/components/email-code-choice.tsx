/** "Email the setup code to them instead of showing it": offered where a code is made, when email is set up. */
export function EmailCodeChoice({ error, checked }: { error?: string; checked?: boolean }) {
  return (
    <div>
      {error ? (
        <p id="emailCode-error" className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      ) : null}
      <div className="choice">
        <input
          type="checkbox"
          id="emailCode"
          name="emailCode"
          defaultChecked={checked}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "emailCode-error" : undefined}
        />
        <label htmlFor="emailCode">Email the setup code to them instead of showing it</label>
      </div>
    </div>
  );
}
