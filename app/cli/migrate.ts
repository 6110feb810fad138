// npm run db:migrate — brings the database named by DATABASE_URL up to date.
import { databaseFileFromUrl, migrateToLatest, openDatabase } from "#db/connection.ts";
import { readEnvFor } from "#app/env.server.ts";
import { run } from "./run.ts";

await run(async () => {
  const file = databaseFileFromUrl(readEnvFor(["DATABASE_URL"]).DATABASE_URL);
  const connection = openDatabase(file);
  try {
    const applied = await migrateToLatest(connection.db);
    console.log(applied.length > 0 ? `Applied ${applied.join(", ")} to ${file}` : `${file} is up to date`);
  } finally {
    await connection.close();
  }
});
