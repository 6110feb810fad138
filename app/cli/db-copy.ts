// npm run db:copy -- --from <url> --to <url> — copies a practice into an empty database, SQLite
// or PostgreSQL (file:<path> or postgres://…), then reads both back and compares every table.
// The source is only read; a target that is not empty is refused and left as it was. See
// db/copy.ts and docs/decisions/0018-copy-and-backups-on-postgresql.md.
import { copyDatabase, describeUrl, formatChecks } from "#db/copy.ts";
import { dialectOfUrl } from "#db/connection.ts";
import { run } from "./run.ts";

const USAGE = "Usage: npm run db:copy -- --from <file:path or postgres://…> --to <file:path or postgres://…>";

function parseArgs(args: string[]): { from: string; to: string } | string {
  const values: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (name !== "--from" && name !== "--to") return `Unknown argument ${arg}. ${USAGE}`;
    const value = inline ?? args[++i];
    if (!value) return `${name} needs a database URL. ${USAGE}`;
    values[name.slice(2)] = value;
  }
  if (!values.from || !values.to) return USAGE;
  for (const url of [values.from, values.to]) {
    try {
      dialectOfUrl(url);
    } catch {
      return `"${url.replace(/\/\/[^@/]*@/, "//…@")}" is not a database URL: use file:<path> or postgres://user@host:5432/database.`;
    }
  }
  return { from: values.from, to: values.to };
}

await run(async () => {
  const parsed = parseArgs(process.argv.slice(2));
  if (typeof parsed === "string") {
    console.error(parsed);
    return 2;
  }
  const { from, to } = parsed;
  console.log(`Copying ${describeUrl(from)} into ${describeUrl(to)}…`);
  const result = await copyDatabase(from, to, (line) => console.log(line));
  console.log("Read back from both sides (rows, and a checksum of every row in key order):");
  console.log(formatChecks(result.tables));
  if (!result.ok) {
    const different = result.tables.filter((t) => !t.match).map((t) => t.name);
    console.error(`The copy does not match the source in ${different.join(", ")}. Do not use it; see the table above.`);
    return 1;
  }
  console.log(`Copied: all ${result.tables.length} tables match. Point DATABASE_URL at ${describeUrl(to)} to use it.`);
});
