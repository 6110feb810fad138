// Every setting DeskCoach reads from its environment, checked in one place: the server, the app
// it serves and the command-line tools all read them through here. Each is documented in
// README.md (Configuration). An empty value counts as unset.
import path from "node:path";
import { z } from "zod";
import { MAX_TRUSTED_PROXIES } from "./server/client-address.ts";

/** Off unless 1 or true. */
const flag = z
  .enum(["0", "1", "true", "false"], { errorMap: () => ({ message: "must be 1 or 0" }) })
  .optional()
  .transform((v) => v === "1" || v === "true");

/** On unless 0 or false. */
const onByDefault = z
  .enum(["0", "1", "true", "false"], { errorMap: () => ({ message: "must be 1 or 0" }) })
  .optional()
  .transform((v) => v !== "0" && v !== "false");

/** A SQLite file, or a PostgreSQL database (docs/decisions/0016). */
const databaseUrl = (fallback: string) =>
  z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, "must look like file:<path> or postgres://user@host:5432/database")
    .default(fallback);

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/**
 * Where mail goes: smtp://user:password@host:587 (STARTTLS when the server offers it) or
 * smtps://… (TLS from the start). The messages never repeat the value: it holds a password.
 */
const smtpUrl = z
  .string()
  .refine((v) => {
    try {
      const url = new URL(v);
      return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname !== "";
    } catch {
      return false;
    }
  }, "must look like smtp://user:password@host:587 or smtps://user:password@host:465")
  .optional();

/** "DeskCoach <coach@example.org>" or coach@example.org. */
const mailFrom = z
  .string()
  .regex(/^(?:[^<>@\r\n]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, "must be an address like coach@example.org or DeskCoach <coach@example.org>")
  .optional();

const schema = z.object({
  NODE_ENV: z.enum(["production", "development", "test"], { errorMap: () => ({ message: "must be production, development or test" }) }).default("development"),
  DATABASE_URL: databaseUrl("file:./data/deskcoach.sqlite"),
  CONTENT_DIR: z.string().default("./content"),
  CONTENT_CACHE_DIR: z.string().default("./.cache/lessons"),
  SESSION_IDLE_MINUTES: z.coerce.number({ invalid_type_error: "must be a number" }).positive("must be above 0").max(24 * 60, "must be at most 1440").default(15),
  SESSION_MAX_HOURS: z.coerce.number({ invalid_type_error: "must be a number" }).positive("must be above 0").max(24 * 30, "must be at most 720").default(12),
  DEMO_MODE: flag,
  /** The app's public origin when it sits behind a proxy that rewrites Host, e.g. https://coach.example.org */
  APP_ORIGIN: z
    .string()
    .url("must be an origin like https://coach.example.org")
    .transform((v) => v.replace(/\/$/, ""))
    .optional(),
  /** Outside production only: pretend it is this instant (ISO-8601). Used by tests to move the clock. */
  DESKCOACH_NOW: z.string().datetime({ offset: true, message: "must be an ISO-8601 instant" }).optional(),

  // Email (app/models/mail/). Without SMTP_URL messages are still composed and kept, unsent.
  SMTP_URL: smtpUrl,
  MAIL_FROM: mailFrom,
  /** The once-a-minute mail round inside the server: on unless 0, and off under NODE_ENV=test unless 1. */
  MAIL_SCHEDULER: z
    .enum(["0", "1", "true", "false"], { errorMap: () => ({ message: "must be 1 or 0" }) })
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "1" || v === "true")),

  // The production server (app/server/main.ts).
  PORT: wholeNumber(0, 65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  LOG_REQUESTS: onByDefault,
  /**
   * How many proxies in front of DeskCoach append to X-Forwarded-For (0: none, and the header is
   * ignored). The client's address is the right-most entry no trusted proxy wrote (server/client-address.ts).
   */
  TRUST_PROXY: wholeNumber(0, MAX_TRUSTED_PROXIES).default(0),
  /** Also read by remix.config.js, which Vite loads before any of this exists. */
  DESKCOACH_BUILD_DIR: z.string().default("build"),

  // Backups (npm run db:backup / db:restore).
  BACKUP_DIR: z
    .string()
    .default("./data/backups")
    .transform((dir) => path.resolve(dir)),
  BACKUP_KEEP: wholeNumber(1, 10_000).default(14),

  // npm run demo.
  DEMO_DATABASE_URL: databaseUrl("file:./data/demo.sqlite"),
  DEMO_KEEP: flag,
});

export type Env = z.infer<typeof schema>;

type Source = Record<string, string | undefined>;

function check<S extends z.AnyZodObject>(part: S, source: Source): z.infer<S> {
  const given = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = part.safeParse(given);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join(".")} ${i.message}`);
  // Mail needs a sender and the public address its links point at.
  if (given.SMTP_URL !== undefined) {
    for (const key of ["MAIL_FROM", "APP_ORIGIN"]) {
      if (key in part.shape && given[key] === undefined) lines.push(`  ${key} must be set when SMTP_URL is set`);
    }
  }
  if (!parsed.success || lines.length > 0) throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  return parsed.data;
}

/** Every setting, for the running app. A setting that does not check out stops the start, saying which. */
export function readEnv(source: Source = process.env): Env {
  return check(schema, source);
}

/** Only these settings, for a tool that needs no others (a bad setting it does not use is not its business). */
export function readEnvFor<K extends keyof Env>(keys: readonly K[], source: Source = process.env): Pick<Env, K> {
  const mask = Object.fromEntries(keys.map((k) => [k, true])) as Partial<Record<keyof Env, true>>;
  // zod cannot type a pick by a list known only as K; the picked schema parses exactly those keys.
  return check(schema.pick(mask), source) as unknown as Pick<Env, K>;
}
