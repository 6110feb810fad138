// A database's schema in a form SQLite's and PostgreSQL's can be compared by: tables, columns
// (a type family and nullability), primary, foreign and unique keys, and indexes. Types are
// compared by family (SQLite's INTEGER is 64-bit; PostgreSQL's integer and bigint are both
// "integer" here; which columns are bigint there is a rule of its own, checked by the caller).
import { sql } from "kysely";
import type { DB } from "#db/connection.ts";
import { dialectOf } from "#db/dialect.ts";

export interface TableShape {
  columns: Record<string, { type: string; nullable: boolean }>;
  primaryKey: string[];
  /** "column -> table(column) on delete action", sorted. */
  foreignKeys: string[];
  /** Unique constraints, by their columns ("a, b"), sorted. */
  uniques: string[];
  /** Indexes made by CREATE INDEX: "name (a, b)" with " unique" when so, sorted. */
  indexes: string[];
}

export type SchemaShape = Record<string, TableShape>;

/** The type of every column, as PostgreSQL names it ("integer", "bigint", "text", "bytea"), by table and column. */
export type ColumnTypes = Record<string, Record<string, string>>;

const FAMILY: Record<string, string> = { integer: "integer", bigint: "integer", text: "text", blob: "bytes", bytea: "bytes" };

function family(type: string): string {
  return FAMILY[type.toLowerCase()] ?? `unknown: ${type}`;
}

const isOwn = (table: string) => !table.startsWith("kysely_") && !table.startsWith("sqlite_");

async function rows<T>(db: DB, query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

async function sqliteShape(db: DB): Promise<SchemaShape> {
  const tables = await rows<{ name: string }>(db, sql`select name from sqlite_master where type = 'table' order by name`);
  const shape: SchemaShape = {};
  for (const { name } of tables.filter((t) => isOwn(t.name))) {
    const columns = await rows<{ name: string; type: string; notnull: number; pk: number }>(db, sql`select name, type, "notnull", pk from pragma_table_info(${name})`);
    const fks = await rows<{ table: string; from: string; to: string; on_delete: string }>(db, sql`select "table", "from", "to", on_delete from pragma_foreign_key_list(${name})`);
    const indexList = await rows<{ name: string; unique: number; origin: string }>(db, sql`select name, "unique", origin from pragma_index_list(${name})`);
    const indexColumns = async (index: string) =>
      (await rows<{ name: string }>(db, sql`select name from pragma_index_info(${index}) order by seqno`)).map((c) => c.name).join(", ");
    const uniques: string[] = [];
    const indexes: string[] = [];
    for (const index of indexList) {
      if (index.origin === "u") uniques.push(await indexColumns(index.name));
      if (index.origin === "c") indexes.push(`${index.name} (${await indexColumns(index.name)})${index.unique ? " unique" : ""}`);
    }
    shape[name] = {
      // A primary key's columns cannot be null on PostgreSQL; on SQLite an INTEGER PRIMARY KEY cannot
      // either, and the app never writes a null key, so both count as not null.
      columns: Object.fromEntries(columns.map((c) => [c.name, { type: family(c.type), nullable: c.notnull === 0 && c.pk === 0 }])),
      primaryKey: columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      foreignKeys: fks.map((f) => `${f.from} -> ${f.table}(${f.to}) on delete ${f.on_delete.toLowerCase()}`).sort(),
      uniques: uniques.sort(),
      indexes: indexes.sort(),
    };
  }
  return shape;
}

const DELETE_ACTION: Record<string, string> = { a: "no action", r: "restrict", c: "cascade", n: "set null", d: "set default" };

async function postgresShape(db: DB): Promise<SchemaShape> {
  const tables = await rows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`,
  );
  const shape: SchemaShape = {};
  for (const { name } of tables.filter((t) => isOwn(t.name))) {
    const columns = await rows<{ name: string; type: string; nullable: string }>(
      db,
      sql`select column_name as name, data_type as type, is_nullable as nullable from information_schema.columns
        where table_schema = current_schema() and table_name = ${name} order by ordinal_position`,
    );
    // Each constraint with its columns in key order, and for a foreign key the columns it points at.
    const constraints = await rows<{ type: string; columns: string; target: string | null; target_columns: string | null; on_delete: string }>(
      db,
      sql`select c.contype as type,
          (select string_agg(a.attname, ', ' order by k.i) from unnest(c.conkey) with ordinality as k(n, i)
            join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n) as columns,
          c.confrelid::regclass::text as target,
          (select string_agg(a.attname, ', ' order by k.i) from unnest(c.confkey) with ordinality as k(n, i)
            join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n) as target_columns,
          c.confdeltype as on_delete
        from pg_constraint c where c.conrelid = ${name}::regclass`,
    );
    const indexes = await rows<{ name: string; unique: boolean; columns: string }>(
      db,
      sql`select i.relname as name, x.indisunique as unique,
          (select string_agg(a.attname, ', ' order by k.i) from unnest(x.indkey) with ordinality as k(n, i)
            join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.n) as columns
        from pg_index x join pg_class i on i.oid = x.indexrelid
        where x.indrelid = ${name}::regclass and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`,
    );
    const ofType = (type: string) => constraints.filter((c) => c.type === type);
    shape[name] = {
      columns: Object.fromEntries(columns.map((c) => [c.name, { type: family(c.type), nullable: c.nullable === "YES" }])),
      primaryKey: (ofType("p")[0]?.columns ?? "").split(", ").filter(Boolean),
      foreignKeys: ofType("f")
        .map((f) => `${f.columns} -> ${(f.target ?? "").replace(/"/g, "")}(${f.target_columns}) on delete ${DELETE_ACTION[f.on_delete] ?? f.on_delete}`)
        .sort(),
      uniques: ofType("u")
        .map((u) => u.columns)
        .sort(),
      indexes: indexes.map((i) => `${i.name} (${i.columns})${i.unique ? " unique" : ""}`).sort(),
    };
  }
  return shape;
}

export function schemaShape(db: DB): Promise<SchemaShape> {
  return dialectOf(db) === "postgres" ? postgresShape(db) : sqliteShape(db);
}

/** PostgreSQL only: each column's own type. */
export async function postgresColumnTypes(db: DB): Promise<ColumnTypes> {
  const columns = await rows<{ table: string; column: string; type: string }>(
    db,
    sql`select table_name as "table", column_name as "column", data_type as type from information_schema.columns where table_schema = current_schema()`,
  );
  const types: ColumnTypes = {};
  for (const c of columns) if (isOwn(c.table)) (types[c.table] ??= {})[c.column] = c.type;
  return types;
}
