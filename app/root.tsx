import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { getUser } from "#app/route-helpers/auth.server.ts";
import { getPractice } from "./models/practice.server.ts";
import { roleAtLeast } from "./models/users.server.ts";
import { useNonce } from "./nonce.tsx";
import { services } from "./services.server.ts";
import { storageNoticeFor } from "#app/rules/storage-full.ts";
import stylesHref from "./styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  { rel: "icon", href: "/favicon.ico" },
  // Installable: "Add to home screen" names the app DeskCoach, whichever practice runs it.
  { rel: "manifest", href: "/manifest.webmanifest" },
  { rel: "apple-touch-icon", href: "/icons/icon-192.png" },
];

export const meta: MetaFunction = () => [{ title: "DeskCoach" }];

// The error page keeps the Retry-After of a storage failure's 503 (app/server/storage-failures.ts):
// of a thrown answer's headers Remix passes on only the cookies, unless the boundary's route (this
// one, the only boundary) passes on the rest. Nothing else is added to any page's headers.
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const retryAfter = errorHeaders?.get("Retry-After");
  const headers = new Headers();
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

// Public: tells the page shell who is signed in (their own name and role only).
export async function loader({ request }: LoaderFunctionArgs) {
  const [user, practice] = await Promise.all([getUser(request), getPractice(services.db)]);
  return {
    user: user ? { name: user.name, canManage: roleAtLeast(user.role, "manager") } : null,
    practiceName: practice?.name ?? null,
    demo: services.env.DEMO_MODE,
  };
}

function Header({ data }: { data: Awaited<ReturnType<typeof loader>> | undefined }) {
  const user = data?.user;
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link to="/" className="brand">
          DeskCoach{data?.practiceName ? <span className="brand-practice"> · <bdi>{data.practiceName}</bdi></span> : null}
        </Link>
        {user ? (
          <nav aria-label="Main">
            <ul className="nav-list">
              <li>
                <NavLink to="/learn">Learn</NavLink>
              </li>
              <li>
                <NavLink to="/progress">My progress</NavLink>
              </li>
              <li>
                <NavLink to="/outside-learning">Outside learning</NavLink>
              </li>
              {user.canManage ? (
                <li>
                  <NavLink to="/manage">Manage</NavLink>
                </li>
              ) : null}
              <li>
                <Form method="post" action="/logout" className="inline-form">
                  <button type="submit" className="link-button">
                    Sign out <span className="visually-hidden"><bdi>{user.name}</bdi></span>
                  </button>
                </Form>
              </li>
            </ul>
          </nav>
        ) : null}
      </div>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#0b5c8e" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Header data={data} />
        <main id="main" className="page" tabIndex={-1}>
          {children}
        </main>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "Please try again. If it keeps happening, tell your office manager.";
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = "Page not found";
      message = "There is nothing at this address.";
    } else if (error.status === 403) {
      title = "Not available to you";
      message = "Your account does not have access to this page.";
    } else if (error.status === 503) {
      ({ title, message } = storageNoticeFor(error.data));
    } else if (error.status < 500) {
      // A refused request: say why, in the words the action answered with.
      title = error.statusText || "This could not be done";
      if (typeof error.data === "string" && error.data.trim() !== "") message = error.data;
    }
  }
  return (
    <section className="error-page">
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </section>
  );
}
