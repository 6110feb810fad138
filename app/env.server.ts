// Configuration, checked once at start-up. Every variable is documented in README.md.
import { z } from "zod";

const flag = z
  .enum(["0", "1", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

const schema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
  DATABASE_URL: z.string().startsWith("file:").default("file:./data/deskcoach.sqlite"),
  CONTENT_DIR: z.string().min(1).default("./content"),
  CONTENT_CACHE_DIR: z.string().min(1).default("./.cache/lessons"),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().max(24 * 60).default(15),
  SESSION_MAX_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  DEMO_MODE: flag,
  /** The app's public origin when it sits behind a proxy that rewrites Host, e.g. https://coach.example.org */
  APP_ORIGIN: z.string().url().optional(),
  /** Outside production only: pretend it is this instant (ISO-8601). Used by tests to move the clock. */
  DESKCOACH_NOW: z.string().datetime({ offset: true }).optional(),
});

export type Env = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env = readEnv();
