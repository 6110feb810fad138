// Whose learning may have changed since a given moment: a log of people, one row each, with the
// sequence number of the last write that touched their assignments, completions, attempts, lesson
// visits or learning time. The progress matrix keeps everyone's standing in memory, and the cost
// reports everyone's learning time; after a write, each works out again only the people in this
// log past what it last read, instead of the whole practice (see
// docs/decisions/0015-a-practice-of-10000.md).
//
// The log is a TEMP table filled by TEMP triggers: it lives with this one connection, outside the
// database file (no migration, nothing in backups, nothing for other connections to pay on their
// writes), and it sees every write this connection makes, whichever model makes it. The app has
// one connection per process (decision 0009), which is also what `writeVersion` relies on.
//
// Beside it, a count of writes per table for a few tables (`tablesVersion`): a cache of what
// reads only those can outlive writes to the others.
//
// That is SQLite's. On PostgreSQL the app has a pool of connections and may run in several
// processes, so a log kept by one connection would miss writes made through the others: there the
// log is a table every connection writes, marked at commit with the database's count of committed
// writes (`learning_change`, migration 0010, db/dialect.ts), and the sequence number is that
// count. It has no per-table counts yet: `tablesVersion` is the whole database's count there, so
// a heartbeat refreshes caches that SQLite keeps (docs/decisions/0016).
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import { dialectOf, LEARNING_CHANGE_TABLE, writeCount } from "#db/dialect.ts";

const NEXT = "(select coalesce(max(seq), 0) + 1 from learning_change)";
// Update, then insert if missing, rather than INSERT OR REPLACE: inside a trigger, the conflict
// policy of the statement that fired it wins (an upsert's is ABORT), so a REPLACE would fail.
// The update takes the next number before anything is removed, so numbers only ever grow.
const mark = (who: string) =>
  `update learning_change set seq = ${NEXT} where user_id = ${who}; ` +
  `insert into learning_change (user_id, seq) select ${who}, ${NEXT} where not exists (select 1 from learning_change where user_id = ${who});`;

// One trigger per write that changes what an assigned item's state is worked out from.
const TRIGGERS: [name: string, event: string, body: string][] = [
  ["completion_insert", "after insert on main.completion", mark("new.user_id")],
  ["completion_update", "after update on main.completion", `${mark("old.user_id")} ${mark("new.user_id")}`],
  ["completion_delete", "after delete on main.completion", mark("old.user_id")],
  ["attempt_insert", "after insert on main.quiz_attempt", mark("new.user_id")],
  ["attempt_delete", "after delete on main.quiz_attempt", mark("old.user_id")],
  ["visit_insert", "after insert on main.lesson_visit", mark("new.user_id")],
  ["visit_update", "after update on main.lesson_visit", mark("new.user_id")],
  ["visit_delete", "after delete on main.lesson_visit", mark("old.user_id")],
  ["time_insert", "after insert on main.learning_day", mark("new.user_id")],
  ["time_update", "after update on main.learning_day", `${mark("old.user_id")} ${mark("new.user_id")}`],
  ["time_delete", "after delete on main.learning_day", mark("old.user_id")],
  ["assigned_insert", "after insert on main.assignment_person", mark("new.user_id")],
  ["assigned_update", "after update on main.assignment_person", `${mark("old.user_id")} ${mark("new.user_id")}`],
  ["assigned_delete", "after delete on main.assignment_person", mark("old.user_id")],
  // A cancelled assignment, or a retake's window, changes everyone it reached.
  [
    "assignment_update",
    "after update on main.assignment",
    `update learning_change set seq = ${NEXT} where user_id in (select user_id from assignment_person where assignment_id = new.id); ` +
      `insert into learning_change (user_id, seq) select user_id, ${NEXT} from assignment_person where assignment_id = new.id ` +
      `and user_id not in (select user_id from learning_change);`,
  ],
];

/** Tables whose writes are counted one by one, for caches of what reads only them (tablesVersion). */
const COUNTED = ["completion", "quiz_attempt", "user", "location", "assignment", "assignment_person", "expense", "expense_share", "practice"] as const;
export type CountedTable = (typeof COUNTED)[number];

const count = (table: string) =>
  `update table_change set n = n + 1 where name = '${table}'; ` +
  `insert into table_change (name, n) select '${table}', 1 where not exists (select 1 from table_change where name = '${table}');`;

for (const table of COUNTED) {
  for (const event of ["insert", "update", "delete"]) TRIGGERS.push([`count_${table}_${event}`, `after ${event} on main.${table}`, count(table)]);
}

const installed = new WeakMap<object, Promise<void>>();

/** Starts the log on this connection (once; later calls wait for the first). */
export function trackLearningChanges(db: DB): Promise<void> {
  if (dialectOf(db) === "postgres") return Promise.resolve();
  const key = db as object;
  let done = installed.get(key);
  if (!done) {
    done = (async () => {
      await sql`create temp table if not exists learning_change (user_id integer primary key, seq integer not null)`.execute(db);
      await sql`create index if not exists temp.learning_change_seq_idx on learning_change (seq)`.execute(db);
      await sql`create temp table if not exists table_change (name text primary key, n integer not null)`.execute(db);
      for (const [name, event, body] of TRIGGERS) {
        await sql.raw(`create temp trigger if not exists learning_change_${name} ${event} begin ${body} end`).execute(db);
      }
    })();
    done.catch(() => installed.delete(key));
    installed.set(key, done);
  }
  return done;
}

/** The log's last sequence number: everything up to it has been seen by whoever reads it now. */
export async function latestLearningChange(db: DB): Promise<number> {
  if (dialectOf(db) === "postgres") return writeCount(db);
  await trackLearningChanges(db);
  const { rows } = await sql<{ seq: number | null }>`select max(seq) as seq from learning_change`.execute(db);
  return Number(rows[0]?.seq ?? 0);
}

/** The people whose assigned work changed after `since`, and the sequence number to read from next. */
export async function learningChangesSince(db: DB, since: number): Promise<{ userIds: number[]; seq: number }> {
  if (dialectOf(db) === "postgres") {
    // Marks past the count read first belong to later commits, and are read next time.
    const seq = await writeCount(db);
    if (seq === since) return { userIds: [], seq };
    const { rows } = await sql<{ user_id: number }>`select user_id from ${sql.table(LEARNING_CHANGE_TABLE)} where version > ${since} and version <= ${seq}`.execute(db);
    return { userIds: rows.map((r) => r.user_id), seq };
  }
  await trackLearningChanges(db);
  const { rows } = await sql<{ user_id: number; seq: number }>`select user_id, seq from learning_change where seq > ${since} order by seq`.execute(db);
  return { userIds: rows.map((r) => r.user_id), seq: rows.length > 0 ? Number(rows[rows.length - 1]?.seq) : since };
}

/**
 * A version of the given tables: it changes whenever this connection writes to one of them, and
 * not otherwise (a reading-time heartbeat leaves the completion report's tables alone).
 */
export async function tablesVersion(db: DB, tables: readonly CountedTable[]): Promise<string> {
  if (dialectOf(db) === "postgres") return String(await writeCount(db));
  await trackLearningChanges(db);
  const { rows } = await sql<{ name: string; n: number }>`select name, n from table_change`.execute(db);
  const counts = new Map(rows.map((r) => [r.name, r.n]));
  return tables.map((t) => counts.get(t) ?? 0).join(".");
}
