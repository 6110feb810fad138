// npm run db:migrate — brings the database named by DATABASE_URL up to date.
import { databaseFileFromUrl, dialectOfUrl, migrateToLatest, openConnection } from "#db/connection.ts";
import { readEnvFor } from "#app/env.server.ts";
import { run } from "./run.ts";

function describePostgresUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
}

await run(async () => {
  const url = readEnvFor(["DATABASE_URL"]).DATABASE_URL;
  // Named in the message by its file, or by its server and database (never with a password).
  const file = dialectOfUrl(url) === "sqlite" ? databaseFileFromUrl(url) : describePostgresUrl(url);
  const connection = openConnection(url);
  try {
    const applied = await migrateToLatest(connection.db);
    console.log(applied.length > 0 ? `Applied ${applied.join(", ")} to ${file}` : `${file} is up to date`);
  } finally {
    await connection.close();
  }
});
