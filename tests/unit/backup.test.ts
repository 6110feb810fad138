import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import { sql } from "kysely";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import {
  backupDatabase,
  listBackups,
  restoreDatabase,
  verifyDatabaseFile,
} from "#app/models/backup.server.ts";
import { backupPostgres, restorePostgres } from "#app/models/postgres-backup.server.ts";
import { migrateToLatest, openPostgres } from "#db/connection.ts";
import { practiceTables, tableChecksums } from "#db/copy.ts";
import { tempDir, setupTestDb, testDialect } from "#tests/support/db.ts";
import { createPractice, createUser } from "#tests/support/factories.ts";
import { seedFullPractice } from "#tests/support/full-practice.ts";
import { createDatabase, databaseUrl, dropDatabase, withClient } from "#tests/support/postgres.ts";

const testDb = setupTestDb();
let dir: string;

beforeEach(async () => {
  await createPractice(testDb.db, { name: "Oak Street Clinic" });
  await createUser(testDb.db, { email: "maria@practice.test", name: "Maria Lopez", role: "staff" });
  dir = path.join(tempDir(), "backups");
});

// Backups copy a SQLite file; a PostgreSQL database is dumped with pg_dump (docs/decisions/0018).
const sqliteOnly = describe.skipIf(testDialect !== "sqlite");
const postgresOnly = describe.skipIf(testDialect !== "postgres");

const at = (day: number) => new Date(Date.UTC(2026, 2, day, 2, 0));

function emails(file: string): string[] {
  const db = new SQLite(file, { readonly: true });
  try {
    return db.prepare("select email from user order by email").pluck().all() as string[];
  } finally {
    db.close();
  }
}

sqliteOnly("backups", () => {
  it("copies the open database into one timestamped, verified file with the source's row counts", async () => {
    const result = await backupDatabase(testDb.file, { dir, keep: 14, now: at(2) });
    expect(path.basename(result.file)).toBe("deskcoach-2026-03-02T02-00-00-000Z.sqlite");
    expect(result.verification.ok).toBe(true);
    expect(result.verification.counts).toEqual(result.sourceCounts);
    expect(result.verification.counts.user).toBe(1);
    expect(result.verification.practiceName).toBe("Oak Street Clinic");
    // One self-contained file: nothing left in a -wal beside it, and nothing half-written.
    expect(fs.readdirSync(dir)).toEqual([path.basename(result.file)]);
    expect(emails(result.file)).toEqual(["maria@practice.test"]);
    expect(verifyDatabaseFile(result.file)).toMatchObject({ ok: true, problems: [] });
  });

  it("includes what was committed but not yet checkpointed out of the WAL", async () => {
    await createUser(testDb.db, { email: "rosa@practice.test", name: "Rosa Delgado", role: "manager" });
    expect(fs.statSync(`${testDb.file}-wal`).size).toBeGreaterThan(0);
    const result = await backupDatabase(testDb.file, { dir, keep: 14 });
    expect(emails(result.file)).toEqual(["maria@practice.test", "rosa@practice.test"]);
  });

  it("refuses a damaged file, a file that is not a database, and one with broken references", async () => {
    const { file } = await backupDatabase(testDb.file, { dir, keep: 14, now: at(2) });

    const damaged = path.join(tempDir(), "damaged.sqlite");
    fs.copyFileSync(file, damaged);
    const probe = new SQLite(damaged, { readonly: true });
    const pageSize = Number(probe.pragma("page_size", { simple: true }));
    const userPage = Number(probe.prepare("select rootpage from sqlite_master where name = 'user'").pluck().get());
    probe.close();
    const fd = fs.openSync(damaged, "r+");
    fs.writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (userPage - 1) * pageSize);
    fs.closeSync(fd);
    const broken = verifyDatabaseFile(damaged);
    expect(broken.ok).toBe(false);
    expect(broken.problems.join(" ")).toMatch(/integrity check failed|malformed|cannot be read/);

    const notDb = path.join(tempDir(), "notes.sqlite");
    fs.writeFileSync(notDb, "these are not the rows you are looking for\n".repeat(200));
    expect(verifyDatabaseFile(notDb)).toMatchObject({ ok: false, problems: [expect.stringMatching(/not a SQLite database/)] });

    const truncated = path.join(tempDir(), "truncated.sqlite");
    fs.writeFileSync(truncated, fs.readFileSync(file).subarray(0, 3 * pageSize + 100));
    expect(verifyDatabaseFile(truncated).ok).toBe(false);

    const orphaned = path.join(tempDir(), "orphaned.sqlite");
    fs.copyFileSync(file, orphaned);
    const db = new SQLite(orphaned);
    db.pragma("foreign_keys = OFF");
    db.prepare("insert into session (id, user_id, created_at, expires_at, absolute_expires_at) values ('x', 9999, '', '', '')").run();
    db.close();
    expect(verifyDatabaseFile(orphaned)).toMatchObject({ ok: false, problems: [expect.stringMatching(/1 row\(s\) point at missing rows \(first: session/)] });

    // None of them is restored, and the database stays as it was.
    await testDb.connection.close();
    for (const bad of [damaged, notDb, truncated, orphaned]) {
      expect(() => restoreDatabase(bad, testDb.file, { keepDir: dir })).toThrow(/cannot be restored/);
    }
    expect(emails(testDb.file)).toEqual(["maria@practice.test"]);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("pre-restore"))).toEqual([]);
  });

  it("keeps the newest N backups and leaves every other file alone", async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "pre-restore-2026-01-01T00-00-00-000Z.sqlite"), "kept by hand");
    fs.writeFileSync(path.join(dir, "notes.txt"), "kept by hand");
    const made: string[] = [];
    for (let day = 1; day <= 5; day++) {
      const result = await backupDatabase(testDb.file, { dir, keep: 3, now: at(day) });
      made.push(result.file);
      expect(listBackups(dir).length).toBe(Math.min(day, 3));
    }
    expect(listBackups(dir)).toEqual(made.slice(2));
    expect(fs.existsSync(path.join(dir, "pre-restore-2026-01-01T00-00-00-000Z.sqlite"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "notes.txt"))).toBe(true);
  });

  it("prunes nothing when the new backup cannot be made", async () => {
    for (let day = 1; day <= 3; day++) await backupDatabase(testDb.file, { dir, keep: 3, now: at(day) });
    const before = listBackups(dir);
    await expect(backupDatabase(path.join(tempDir(), "missing.sqlite"), { dir, keep: 1, now: at(4) })).rejects.toThrow(/no database/);
    expect(listBackups(dir)).toEqual(before);
  });
});

sqliteOnly("restore", () => {
  it("replaces the database with the backup and keeps the one it replaced", async () => {
    const { file } = await backupDatabase(testDb.file, { dir, keep: 14, now: at(2) });
    await createUser(testDb.db, { email: "rosa@practice.test", name: "Rosa Delgado", role: "manager" });
    const target = testDb.file;
    await testDb.connection.close();

    const result = restoreDatabase(file, target, { keepDir: dir, now: at(3) });
    expect(emails(target)).toEqual(["maria@practice.test"]);
    expect(result.previous).toBe(path.join(dir, "pre-restore-2026-03-03T02-00-00-000Z.sqlite"));
    expect(emails(result.previous as string)).toEqual(["maria@practice.test", "rosa@practice.test"]);
    // Nothing stale or temporary is left beside the database.
    expect(fs.readdirSync(path.dirname(target)).sort()).toEqual([path.basename(target)]);
    expect(verifyDatabaseFile(target).ok).toBe(true);
    // The backup itself is untouched, and the previous copy is not counted as a backup.
    expect(listBackups(dir)).toEqual([file]);
  });

  it("refuses while the database is open elsewhere, changing nothing", async () => {
    const { file } = await backupDatabase(testDb.file, { dir, keep: 14 });
    await createUser(testDb.db, { email: "rosa@practice.test", name: "Rosa Delgado", role: "manager" });
    expect(() => restoreDatabase(file, testDb.file, { keepDir: dir })).toThrow(/is in use\. Stop DeskCoach/);
    const rows = await testDb.db.selectFrom("user").select("email").orderBy("email").execute();
    expect(rows.map((r) => r.email)).toEqual(["maria@practice.test", "rosa@practice.test"]);
    expect(fs.readdirSync(dir).filter((f) => f.startsWith("pre-restore"))).toEqual([]);
  });
});

// On PostgreSQL: pg_dump and pg_restore (app/models/postgres-backup.server.ts).
postgresOnly("backups on PostgreSQL", () => {
  const made: string[] = [];
  const serverUrl = () => inject("postgresUrl") as string;

  async function database(migrated: boolean): Promise<string> {
    const name = `deskcoach_backup_${process.pid}_${made.length + 1}`;
    await withClient(serverUrl(), (client) => createDatabase(client, name));
    made.push(name);
    const url = databaseUrl(serverUrl(), name);
    if (migrated) {
      const connection = openPostgres(url);
      await migrateToLatest(connection.db).finally(() => connection.close());
    }
    return url;
  }

  async function checksums(url: string) {
    const connection = openPostgres(url);
    try {
      return await tableChecksums(connection.db, await practiceTables(connection.db));
    } finally {
      await connection.close();
    }
  }

  afterAll(async () => {
    await withClient(serverUrl(), async (client) => {
      for (const name of made) await dropDatabase(client, name);
    });
  });

  it("dumps a practice, verified row for row, and restores it into an empty database the same", async () => {
    const source = await database(true);
    const connection = openPostgres(source);
    await seedFullPractice(connection.db).finally(() => connection.close());
    const original = await checksums(source);

    const result = await backupPostgres(source, { dir, keep: 2, now: at(2) });
    expect(path.basename(result.file)).toBe("deskcoach-2026-03-02T02-00-00-000Z.dump");
    expect(result.check.ok).toBe(true);
    expect(result.check.tables?.length).toBe(original.size);
    expect(result.check.tables?.every((t) => t.match && t.sourceRows === original.get(t.name)?.rows)).toBe(true);
    // Only the dump is left: nothing half-written, and the scratch database is gone.
    expect(fs.readdirSync(dir)).toEqual([path.basename(result.file)]);
    const leftover = await withClient(serverUrl(), (client) => client.query("select datname from pg_database where datname like 'deskcoach_verify_%'"));
    expect(leftover.rows).toEqual([]);

    // Into a database that is empty, and into one that was only migrated.
    for (const migrated of [false, true]) {
      const target = await database(migrated);
      const restored = await restorePostgres(result.file, target);
      expect(restored.check.ok).toBe(true);
      expect(await checksums(target)).toEqual(original);
      // The audit log is as append-only as it was.
      const again = openPostgres(target);
      await expect(sql`update ${sql.table("audit_event")} set action = 'rewritten'`.execute(again.db)).rejects.toThrow(/permission denied|append-only/);
      await again.close();
    }

    // Pruned like the SQLite backups: the newest two are kept.
    await backupPostgres(source, { dir, keep: 2, now: at(3) });
    await backupPostgres(source, { dir, keep: 2, now: at(4) });
    expect(listBackups(dir, ".dump").map((f) => path.basename(f))).toEqual(["deskcoach-2026-03-03T02-00-00-000Z.dump", "deskcoach-2026-03-04T02-00-00-000Z.dump"]);
  }, 60_000);

  it("refuses to restore into a database that holds a practice, and leaves it untouched", async () => {
    const source = await database(true);
    const connection = openPostgres(source);
    await createPractice(connection.db, { name: "Oak Street Clinic" });
    await createUser(connection.db, { email: "maria@practice.test", name: "Maria Lopez", role: "staff" });
    await connection.close();
    const { file } = await backupPostgres(source, { dir, keep: 14 });

    const occupied = await database(true);
    const other = openPostgres(occupied);
    await createPractice(other.db, { name: "Elm Road Clinic" });
    await other.close();
    const before = await checksums(occupied);
    await expect(restorePostgres(file, occupied)).rejects.toThrow(/already holds practice data .*nothing changed[\s\S]*create a new database/);
    expect(await checksums(occupied)).toEqual(before);
  }, 60_000);
});
