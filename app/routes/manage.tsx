import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireRole } from "#app/auth.server.ts";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "manager");
  // The manager's home is the progress matrix.
  if (new URL(request.url).pathname.replace(/\/$/, "") === "/manage") throw redirect("/manage/progress");
  return { isOwner: user.role === "owner" };
}

export default function ManageLayout() {
  const { isOwner } = useLoaderData<typeof loader>();
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
            <NavLink to="/manage/feedback">Feedback</NavLink>
          </li>
          <li>
            <NavLink to="/manage/goal">Team goal</NavLink>
          </li>
          {isOwner ? (
            <li>
              <NavLink to="/owner/audit">Audit log</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <Outlet />
    </>
  );
}
