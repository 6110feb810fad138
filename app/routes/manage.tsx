import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { moneyAccess } from "#app/models/practice.server.ts";
import { services } from "#app/services.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "manager");
  // The manager's home is the progress matrix.
  if (new URL(request.url).pathname.replace(/\/$/, "") === "/manage") throw redirect("/manage/progress");
  const access = await moneyAccess(services.db, user.role);
  // Where the money pages start for this person, if they may see any.
  return { money: access.seeCosts ? "/owner/reports" : access.recordSpend ? "/owner/spend" : null };
}

export default function ManageLayout() {
  const { money } = useLoaderData<typeof loader>();
  return (
    <>
      <nav aria-label="Manage" className="subnav">
        <ul>
          <li>
            <NavLink to="/manage/progress">Progress</NavLink>
          </li>
          <li>
            <NavLink to="/manage/assignments">Assignments</NavLink>
          </li>
          <li>
            <NavLink to="/manage/team">Team</NavLink>
          </li>
          <li>
            <NavLink to="/manage/completion">Completion</NavLink>
          </li>
          <li>
            <NavLink to="/manage/feedback">Feedback</NavLink>
          </li>
          <li>
            <NavLink to="/manage/goal">Team goal</NavLink>
          </li>
          <li>
            <NavLink to="/manage/studio">Studio</NavLink>
          </li>
          <li>
            <NavLink to="/manage/reminders">Reminders</NavLink>
          </li>
          {money ? (
            <li>
              <NavLink to={money}>Training money</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
