/** One-time codes, shown once right after they are made. */
export function CodesTable({ people }: { people: { name: string; email: string; code: string }[] }) {
  return (
    <section className="card codes" aria-labelledby="codes-heading" role="status">
      <h2 id="codes-heading">{people.length === 1 ? "One-time setup code" : "One-time setup codes"}</h2>
      <p>
        Give each person their code. They go to <strong>Sign in → I have a code</strong> (<code>/login/code</code>), enter
        their email and the code, and choose a password. A code works once and lasts 24 hours.{" "}
        <strong>This is the only time the code is shown.</strong>
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Code</th>
            </tr>
          </thead>
          <tbody>
            {people.map((p) => (
              <tr key={p.email}>
                <td>{p.name}</td>
                <td>{p.email}</td>
                <td>
                  <code className="one-time-code">{p.code}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
