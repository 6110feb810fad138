// npm run db:migrate — brings the database named by DATABASE_URL up to date.
import { databaseFileFromUrl, migrateToLatest, openDatabase } from "#db/connection.ts";
import { run } from "./run.ts";

await run(async () => {
  const file = databaseFileFromUrl(process.env.DATABASE_URL ?? "file:./data/deskcoach.sqlite");
  const connection = openDatabase(file);
  try {
    const applied = await migrateToLatest(connection.db);
    console.log(applied.length > 0 ? `Applied ${applied.join(", ")} to ${file}` : `${file} is up to date`);
  } finally {
    await connection.close();
  }
});
