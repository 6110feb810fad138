// Everything Lucia-specific lives in this file: the adapter, the Lucia instance and the cookie.
// Upstream deprecated `lucia` in 2025 and publishes the same design as a guide; replacing this
// file with the guide's code must not touch any route.
//
// The token lives only in the cookie; the database keeps its SHA-256. Sessions end after an idle
// period and after an absolute lifetime, both checked here on every request.
import { createHash } from "node:crypto";
import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser } from "lucia";
import type { DB } from "#db/connection.ts";
import { precompiled } from "#db/precompiled.ts";
import { isStorageFailure } from "#db/storage-errors.ts";
import type { Role, UserStatus } from "#db/schema.ts";

declare module "lucia" {
  interface Register {
    Lucia: Lucia<Record<never, never>, SessionUser>;
    UserId: number;
    DatabaseUserAttributes: SessionUser;
    DatabaseSessionAttributes: Record<never, never>;
  }
}

/** The signed-in person as every loader sees them. */
export interface SessionUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  locationId: number | null;
  /** A location-limited manager's location; null for the whole practice. */
  scopeLocationId: number | null;
}

/**
 * The signed-in person as every model that acts for someone sees them: who (for the audit log),
 * their role, and the location a manager is limited to. A SessionUser is one.
 */
export type Actor = Pick<SessionUser, "id" | "role" | "scopeLocationId">;

/** The location a person's view is limited to: only a manager's is; an owner sees everyone. */
export function scopeOf(role: SessionUser["role"], scopeLocationId: number | null): number | null {
  return role === "manager" ? scopeLocationId : null;
}

export const SESSION_COOKIE = "deskcoach_session";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface SessionOptions {
  idleMinutes: number;
  maxHours: number;
}

// Sessions measure real elapsed time, so they read the system clock directly (Lucia does too);
// the practice clock that tests may move (clock.server.ts) is for dates and due days only.
const now = () => new Date();

// Every signed-in request makes this lookup: compiled once.
const sessionAndUser = precompiled((db: DB, args: { id: string }) =>
  db
    .selectFrom("session")
    .innerJoin("user", "user.id", "session.user_id")
    .select([
      "session.expires_at",
      "session.absolute_expires_at",
      "user.id as user_id",
      "user.email",
      "user.name",
      "user.role",
      "user.status",
      "user.location_id",
      "user.scope_location_id",
    ])
    .where("session.id", "=", args.id),
);

function kyselyAdapter(db: DB, options: SessionOptions): Adapter {
  const iso = (d: Date) => d.toISOString();
  return {
    async getSessionAndUser(token): Promise<[DatabaseSession | null, DatabaseUser | null]> {
      const [row] = await sessionAndUser(db, { id: hashToken(token) });
      if (!row) return [null, null];
      // Whichever comes first ends the session; a deactivated user has no valid session at all.
      const ends = row.expires_at < row.absolute_expires_at ? row.expires_at : row.absolute_expires_at;
      const expiresAt = row.status === "active" ? new Date(ends) : new Date(0);
      return [
        { id: token, userId: row.user_id, expiresAt, attributes: {} },
        {
          id: row.user_id,
          attributes: {
            id: row.user_id,
            email: row.email,
            name: row.name,
            role: row.role,
            status: row.status,
            locationId: row.location_id,
            scopeLocationId: scopeOf(row.role, row.scope_location_id),
          },
        },
      ];
    },
    async getUserSessions(userId) {
      // Only hashes are stored, so the tokens cannot be handed back; nothing here needs them.
      const rows = await db.selectFrom("session").select(["id", "expires_at"]).where("user_id", "=", userId).execute();
      return rows.map((r) => ({ id: r.id, userId, expiresAt: new Date(r.expires_at), attributes: {} }));
    },
    async setSession(session) {
      const created = now();
      const absolute = new Date(created.getTime() + options.maxHours * 3_600_000);
      await db
        .insertInto("session")
        .values({
          id: hashToken(session.id),
          user_id: session.userId,
          created_at: iso(created),
          expires_at: iso(session.expiresAt < absolute ? session.expiresAt : absolute),
          absolute_expires_at: iso(absolute),
        })
        .execute();
    },
    async updateSessionExpiration(token, expiresAt) {
      // Lucia and `validate` below both extend a session as a side effect of reading a page. On
      // a full disk (or a database out of reach) the session keeps its current end instead: the
      // page must not fail for want of this write, and a later request extends it once there is
      // room again. (Ending a session is never skipped like this.)
      await db
        .updateTable("session")
        .set((eb) => ({
          expires_at: eb
            .case()
            .when(eb.val(iso(expiresAt)), "<", eb.ref("absolute_expires_at"))
            .then(iso(expiresAt))
            .else(eb.ref("absolute_expires_at"))
            .end(),
        }))
        .where("id", "=", hashToken(token))
        .execute()
        .catch((error: unknown) => {
          if (!isStorageFailure(error)) throw error;
        });
    },
    async deleteSession(token) {
      await db.deleteFrom("session").where("id", "=", hashToken(token)).execute();
    },
    async deleteUserSessions(userId) {
      await db.deleteFrom("session").where("user_id", "=", userId).execute();
    },
    async deleteExpiredSessions() {
      const cutoff = iso(now());
      await db
        .deleteFrom("session")
        .where((eb) => eb.or([eb("expires_at", "<=", cutoff), eb("absolute_expires_at", "<=", cutoff)]))
        .execute();
    },
  };
}

/**
 * Ends every session of a user, inside whatever transaction changes their access (deactivation,
 * a role change, a password reset), so the change and the sign-out happen together.
 */
export async function endUserSessions(db: DB, userId: number): Promise<void> {
  await db.deleteFrom("session").where("user_id", "=", userId).execute();
}

export interface Sessions {
  /** Starts a session for the user and returns its token (for the cookie only). */
  create(userId: number): Promise<string>;
  /** The user behind a token, or null when it is unknown, idle too long, too old or deactivated. */
  validate(token: string): Promise<SessionUser | null>;
  invalidate(token: string): Promise<void>;
  invalidateUser(userId: number): Promise<void>;
  deleteExpired(): Promise<void>;
  readToken(cookieHeader: string | null): string | null;
  cookie(token: string, secure: boolean): string;
  blankCookie(secure: boolean): string;
}

export function createSessions(db: DB, options: SessionOptions): Sessions {
  const adapter = kyselyAdapter(db, options);
  const idleMs = options.idleMinutes * 60_000;
  const lucia = new Lucia(adapter, {
    sessionExpiresIn: new TimeSpan(Math.max(1, Math.round(idleMs / 1000)), "s"),
    sessionCookie: { name: SESSION_COOKIE, expires: false, attributes: { sameSite: "lax", path: "/" } },
    getUserAttributes: (attributes) => attributes,
  });

  const serialize = (value: string, secure: boolean, expire: boolean) =>
    [
      `${SESSION_COOKIE}=${value}`,
      "Path=/",
      "HttpOnly",
      "SameSite=Lax",
      ...(secure ? ["Secure"] : []),
      ...(expire ? ["Max-Age=0"] : []),
    ].join("; ");

  return {
    async create(userId) {
      const session = await lucia.createSession(userId, {});
      return session.id;
    },
    async validate(token) {
      // Lucia checks expires_at, which holds the sooner of the idle and absolute limits, and
      // deletes an expired session.
      const { session, user } = await lucia.validateSession(token);
      if (!session || !user) return null;
      // Lucia only extends a session once half its lifetime has passed; an idle timeout should
      // count from the last request, so extend whenever a minute or more has gone by.
      const target = now().getTime() + idleMs;
      if (!session.fresh && target - session.expiresAt.getTime() >= Math.min(60_000, idleMs / 2)) {
        await adapter.updateSessionExpiration(token, new Date(target));
      }
      return user;
    },
    invalidate: (token) => lucia.invalidateSession(token),
    invalidateUser: (userId) => lucia.invalidateUserSessions(userId),
    deleteExpired: () => lucia.deleteExpiredSessions(),
    readToken: (cookieHeader) => (cookieHeader ? lucia.readSessionCookie(cookieHeader) : null),
    cookie: (token, secure) => serialize(token, secure, false),
    blankCookie: (secure) => serialize("", secure, true),
  };
}
