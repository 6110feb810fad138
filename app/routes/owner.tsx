import type { LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, useLoaderData, useOutlet } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { moneyAccess } from "#app/models/practice.server.ts";
import { services } from "#app/services.server.ts";

// The money pages. Each page checks its own access; this only decides which links to show.
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "manager");
  return { owner: user.role === "owner", ...(await moneyAccess(services.db, user.role)) };
}

export default function OwnerLayout() {
  const { owner, seeCosts, recordSpend } = useLoaderData<typeof loader>();
  // /owner on its own is only these links: it still gets the page's one heading.
  const outlet = useOutlet();
  return (
    <>
      {outlet ? null : <h1>Training money</h1>}
      <nav aria-label="Training money" className="subnav">
        <ul>
          {seeCosts ? (
            <li>
              <NavLink to="/owner/reports">Reports</NavLink>
            </li>
          ) : null}
          {seeCosts ? (
            <li>
              <NavLink to="/owner/budget">Budget</NavLink>
            </li>
          ) : null}
          {seeCosts ? (
            <li>
              <NavLink to="/owner/outcomes">Outcomes</NavLink>
            </li>
          ) : null}
          {recordSpend ? (
            <li>
              <NavLink to="/owner/spend">Spend</NavLink>
            </li>
          ) : null}
          {seeCosts ? (
            <li>
              <NavLink to="/owner/planner">Planner</NavLink>
            </li>
          ) : null}
          {owner ? (
            <>
              <li>
                <NavLink to="/owner/settings">Settings</NavLink>
              </li>
              <li>
                <NavLink to="/owner/library">Lesson reviews</NavLink>
              </li>
              <li>
                <NavLink to="/owner/audit">Audit log</NavLink>
              </li>
              <li>
                <NavLink to="/owner/sign-ins">Blocked sign-ins</NavLink>
              </li>
            </>
          ) : null}
        </ul>
      </nav>
      {outlet}
    </>
  );
}
