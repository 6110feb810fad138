import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { DEVICE_MAX_FAILURES, MAX_FAILURES, WINDOW_MINUTES } from "#app/models/login-throttle.server.ts";
import { blockedSignIns, REPORT_DAYS } from "#app/models/sign-in-blocks.server.ts";
import { services } from "#app/services.server.ts";

export const meta: MetaFunction = () => [{ title: "Blocked sign-ins · DeskCoach" }];

// The owner's only: who was refused at sign-in, and from where. Nothing here can be changed.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "owner");
  const report = await blockedSignIns(services.db, services.clock.now());
  return { ...report, reportDays: REPORT_DAYS, maxFailures: MAX_FAILURES, deviceMaxFailures: DEVICE_MAX_FAILURES, windowMinutes: WINDOW_MINUTES };
}

const when = (iso: string) => iso.slice(0, 16).replace("T", " ");

export default function BlockedSignIns() {
  const { since, total, days, accounts, addresses, reportDays, maxFailures, deviceMaxFailures, windowMinutes } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Blocked sign-ins</h1>
      <p className="muted">
        After {maxFailures} failed sign-ins within {windowMinutes} minutes for one email, or from one address, signing in to that email or
        from that address on a browser nobody has signed in with before is paused until the oldest failure is {windowMinutes} minutes old.
        A browser where a person has signed in before is counted on its own ({deviceMaxFailures} failures), so people at their usual
        computers can still sign in during an attack. These are the attempts that were refused, over the last {reportDays} days
        (since {since}, UTC).
      </p>
      {total === 0 ? (
        <p>
          <strong>No sign-in attempt was blocked in the last {reportDays} days.</strong>
        </p>
      ) : (
        <>
          <p>
            <strong>
              {total} blocked attempt{total === 1 ? "" : "s"} in the last {reportDays} days.
            </strong>
          </p>
          <h2 id="by-day">By day</h2>
          <div className="table-wrap" role="region" aria-labelledby="by-day" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Day (UTC)</th>
                  <th scope="col" className="num">
                    Blocked
                  </th>
                  <th scope="col" className="num">
                    Email paused
                  </th>
                  <th scope="col" className="num">
                    Address paused
                  </th>
                  <th scope="col" className="num">
                    Known browser paused
                  </th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d.day}>
                    <td className="date">{d.day}</td>
                    <td className="num">{d.attempts}</td>
                    <td className="num">{d.account}</td>
                    <td className="num">{d.address}</td>
                    <td className="num">{d.device}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2 id="by-account">By account</h2>
          <p className="muted">Emails that are not accounts here are counted together; they are not kept.</p>
          <div className="table-wrap" role="region" aria-labelledby="by-account" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col" className="num">
                    Blocked
                  </th>
                  <th scope="col" className="num">
                    Addresses
                  </th>
                  <th scope="col">Last (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.email ?? ""}>
                    <td>
                      {a.email ? (
                        <>
                          <bdi>{a.name}</bdi> <span className="muted">(<bdi>{a.email}</bdi>)</span>
                        </>
                      ) : (
                        <em>Emails that are not accounts here</em>
                      )}
                    </td>
                    <td className="num">{a.attempts}</td>
                    <td className="num">{a.addresses}</td>
                    <td className="date">{when(a.lastAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2 id="by-address">By address</h2>
          <div className="table-wrap" role="region" aria-labelledby="by-address" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col" className="num">
                    Blocked
                  </th>
                  <th scope="col" className="num">
                    Accounts
                  </th>
                  <th scope="col">Last (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {addresses.map((a) => (
                  <tr key={a.address ?? ""}>
                    <td>{a.address === null ? <em>Other addresses (on a day with very many)</em> : <code>{a.address}</code>}</td>
                    <td className="num">{a.attempts}</td>
                    <td className="num">{a.accounts}</td>
                    <td className="date">{when(a.lastAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted">
            If every address here is your proxy&rsquo;s, DeskCoach is not reading the client&rsquo;s address from it: see{" "}
            <code>TRUST_PROXY</code> in the README.
          </p>
        </>
      )}
    </>
  );
}
