import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/route-helpers/auth.server.ts";
import { getPractice } from "#app/models/practice.server.ts";
import { services } from "#app/services.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "manager");
  // The manager's home is the progress matrix.
  if (new URL(request.url).pathname.replace(/\/$/, "") === "/manage") throw redirect("/manage/progress");
  const practice = await getPractice(services.db);
  const owner = user.role === "owner";
  // Where the money pages start for this person, if they may see any.
  const money = owner || practice?.managers_see_costs === 1 ? "/owner/reports" : practice?.managers_record_spend === 1 ? "/owner/spend" : null;
  return { money };
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
