// The guards every loader and action starts with. Default deny: a route that does not call one
// of these is public, and the role matrix test lists every such route.
import { redirect, type AppLoadContext } from "@remix-run/node";
import type { Role } from "#db/schema.ts";
import { deviceCookie, readDeviceTokens } from "#app/models/device-cookies.server.ts";
import type { SignInAttempt } from "#app/models/login-throttle.server.ts";
import type { SessionUser } from "#app/models/sessions.server.ts";
import { moneyAccess } from "#app/models/practice.server.ts";
import { roleAtLeast } from "#app/models/users.server.ts";
import { services } from "#app/services.server.ts";
import { forbidden, notFound } from "./validation.ts";

const cache = new WeakMap<Request, Promise<SessionUser | null>>();

function sessionToken(request: Request): string | null {
  return services.sessions.readToken(request.headers.get("cookie"));
}

/** The signed-in user, or null. Validates the session once per request. */
export function getUser(request: Request): Promise<SessionUser | null> {
  let user = cache.get(request);
  if (!user) {
    const token = sessionToken(request);
    user = token ? services.sessions.validate(token) : Promise.resolve(null);
    cache.set(request, user);
  }
  return user;
}

/** Signed in, or off to /login with a way back. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const user = await getUser(request);
  if (user) return user;
  const url = new URL(request.url);
  const back = `${url.pathname}${url.search}`;
  const query = back === "/" ? "" : `?${new URLSearchParams({ redirectTo: back })}`;
  // A session that just ended leaves a dead cookie behind: clear it on the way out.
  const headers = sessionToken(request) ? { "Set-Cookie": services.sessions.blankCookie(isSecure(request)) } : undefined;
  throw redirect(`/login${query}`, { headers });
}

/** Signed in with at least this role (owner ⊃ manager ⊃ staff); otherwise 403. */
export async function requireRole(request: Request, role: Role): Promise<SessionUser> {
  const user = await requireUser(request);
  if (!roleAtLeast(user.role, role)) {
    throw forbidden();
  }
  return user;
}

/**
 * Money pages: an owner always; a manager only when the owner has granted it (seeing costs, or
 * recording spend). Everyone else gets 403.
 */
export async function requireMoneyAccess(request: Request, grant: "see-costs" | "record-spend"): Promise<SessionUser> {
  const user = await requireRole(request, "manager");
  const access = await moneyAccess(services.db, user.role);
  if (!(grant === "see-costs" ? access.seeCosts : access.recordSpend)) throw forbidden();
  return user;
}

/** Pages for signed-out people (sign-in, setup) send a signed-in user home. */
export async function requireAnonymous(request: Request): Promise<void> {
  if (await getUser(request)) throw redirect("/");
}

export function isSecure(request: Request): boolean {
  return new URL(request.url).protocol === "https:";
}

/**
 * Starts a fresh session (a new id at every sign-in) and sends the user on. `deviceTokens`: what
 * the browser's device cookie holds from now on (login-throttle.server.ts, guardSignIn).
 */
export async function signIn(request: Request, userId: number, redirectTo: string, deviceTokens: string[] = []): Promise<Response> {
  const old = sessionToken(request);
  if (old) await services.sessions.invalidate(old);
  const token = await services.sessions.create(userId);
  const headers = new Headers();
  headers.append("Set-Cookie", services.sessions.cookie(token, isSecure(request)));
  if (deviceTokens.length > 0) headers.append("Set-Cookie", deviceCookie(deviceTokens, isSecure(request)));
  return redirect(redirectTo, { headers });
}

/** A sign-in attempt as guardSignIn judges it: who it is for, where it comes from, the browser's device cookie. */
export function signInAttempt(request: Request, context: AppLoadContext, email: string): SignInAttempt {
  return {
    email,
    address: context.clientAddress ?? "unknown",
    deviceTokens: readDeviceTokens(request.headers.get("cookie")),
    now: services.clock.now(),
  };
}

export async function signOut(request: Request): Promise<Response> {
  const token = sessionToken(request);
  if (token) await services.sessions.invalidate(token);
  return redirect("/login", {
    headers: {
      "Set-Cookie": services.sessions.blankCookie(isSecure(request)),
      // Ask the browser to drop anything it kept of the signed-in pages. (Not "storage": that
      // also unregisters the service worker, which empties the kept lessons itself, public/sw.js.)
      "Clear-Site-Data": '"cache"',
    },
  });
}

/** Where a role lands after signing in. */
export function homeFor(user: Pick<SessionUser, "role">): string {
  return user.role === "staff" ? "/learn" : "/manage";
}

/**
 * Money access for one object's own address (an expense): without it the object does not exist
 * (404), as a person or an attempt does not for someone without the right to them.
 */
export async function requireMoneyAccessToObject(request: Request, grant: "see-costs" | "record-spend"): Promise<SessionUser> {
  try {
    return await requireMoneyAccess(request, grant);
  } catch (error) {
    if (error instanceof Response && error.status === 403) throw notFound();
    throw error;
  }
}
