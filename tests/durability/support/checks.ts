// What must hold of a database file after anything at all happened to the server writing it.
import { openDatabase, type Connection, type SqliteConnection } from "#db/connection.ts";

/** Opens the file with the app's own settings for the length of `check`. */
export async function withDatabase<T>(dbFile: string, check: (connection: SqliteConnection) => Promise<T>): Promise<T> {
  const connection = openDatabase(dbFile);
  try {
    return await check(connection);
  } finally {
    await connection.close();
  }
}

/** SQLite's own verdict on the file: every page and index sound, every foreign key satisfied. */
export function fileHealth(connection: SqliteConnection): { integrity: string[]; foreignKeyViolations: unknown[] } {
  const integrity = (connection.sqlite.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
  const foreignKeyViolations = connection.sqlite.pragma("foreign_key_check") as unknown[];
  return { integrity, foreignKeyViolations };
}

/**
 * Half-written quiz results among these people's attempts: a passed attempt without the
 * completion it earns, or a completion pointing at an attempt that did not pass. Both are written
 * in one transaction, so either both exist or neither does.
 */
export async function halfWrittenResults(connection: Pick<Connection, "db">, userIds: number[]) {
  const passedWithoutCompletion = await connection.db
    .selectFrom("quiz_attempt as a")
    .select(["a.id", "a.request_id"])
    .where("a.user_id", "in", userIds)
    .where("a.passed", "=", 1)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("completion as c").select("c.id").whereRef("c.attempt_id", "=", "a.id"))),
    )
    .execute();
  const completionOfFailedAttempt = await connection.db
    .selectFrom("completion as c")
    .innerJoin("quiz_attempt as a", "a.id", "c.attempt_id")
    .select(["c.id", "c.attempt_id"])
    .where("c.user_id", "in", userIds)
    .where("a.passed", "=", 0)
    .execute();
  return { passedWithoutCompletion, completionOfFailedAttempt };
}
