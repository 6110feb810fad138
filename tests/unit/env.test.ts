import path from "node:path";
import { describe, expect, it } from "vitest";
import { readEnv, readEnvFor } from "#app/env.server.ts";

const backups = (source: Record<string, string>) => {
  const env = readEnvFor(["BACKUP_DIR", "BACKUP_KEEP"], source);
  return { dir: env.BACKUP_DIR, keep: env.BACKUP_KEEP };
};

describe("settings", () => {
  it("reads BACKUP_DIR and BACKUP_KEEP with their defaults, and refuses a keep below one", () => {
    expect(backups({})).toEqual({ dir: path.resolve("data/backups"), keep: 14 });
    expect(backups({ BACKUP_DIR: "/srv/backups", BACKUP_KEEP: "30" })).toEqual({ dir: "/srv/backups", keep: 30 });
    expect(() => backups({ BACKUP_KEEP: "0" })).toThrow("BACKUP_KEEP must be at least 1");
    expect(() => backups({ BACKUP_KEEP: "two" })).toThrow("BACKUP_KEEP must be a whole number");
  });

  it("gives the server its address, origin and request log, with the documented defaults", () => {
    const defaults = readEnv({});
    expect(defaults).toMatchObject({ PORT: 3000, HOST: "127.0.0.1", LOG_REQUESTS: true, DESKCOACH_BUILD_DIR: "build" });
    expect(defaults.APP_ORIGIN).toBeUndefined();
    expect(readEnv({ PORT: "0", HOST: "0.0.0.0", APP_ORIGIN: "https://coach.example.org/", LOG_REQUESTS: "0" })).toMatchObject({
      PORT: 0,
      HOST: "0.0.0.0",
      APP_ORIGIN: "https://coach.example.org",
      LOG_REQUESTS: false,
    });
    expect(() => readEnv({ PORT: "eighty" })).toThrow("PORT must be a whole number");
    expect(() => readEnv({ APP_ORIGIN: "coach.example.org" })).toThrow("APP_ORIGIN must be an origin");
  });

  it("reads TRUST_PROXY as a number of proxies, none by default", () => {
    expect(readEnv({}).TRUST_PROXY).toBe(0);
    expect(readEnvFor(["TRUST_PROXY"], { TRUST_PROXY: "" })).toEqual({ TRUST_PROXY: 0 });
    expect(readEnvFor(["TRUST_PROXY"], { TRUST_PROXY: "2" })).toEqual({ TRUST_PROXY: 2 });
    expect(() => readEnv({ TRUST_PROXY: "true" })).toThrow("TRUST_PROXY must be a whole number");
    expect(() => readEnv({ TRUST_PROXY: "-1" })).toThrow("TRUST_PROXY must be at least 0");
    expect(() => readEnv({ TRUST_PROXY: "1.5" })).toThrow("TRUST_PROXY must be a whole number");
    expect(() => readEnv({ TRUST_PROXY: "11" })).toThrow("TRUST_PROXY must be at most 10");
  });

  it("names the database once, and counts an empty value as unset", () => {
    expect(readEnv({}).DATABASE_URL).toBe("file:./data/deskcoach.sqlite");
    expect(readEnv({ DATABASE_URL: "", DEMO_MODE: "" })).toMatchObject({ DATABASE_URL: "file:./data/deskcoach.sqlite", DEMO_MODE: false });
    expect(readEnv({ DATABASE_URL: "postgres://coach@db.internal:5432/deskcoach?sslmode=require" }).DATABASE_URL).toBe(
      "postgres://coach@db.internal:5432/deskcoach?sslmode=require",
    );
    expect(() => readEnv({ DATABASE_URL: "mysql://x" })).toThrow("DATABASE_URL must look like file:<path> or postgres://");
    expect(() => readEnv({ DATABASE_URL: "./data/x.sqlite" })).toThrow("DATABASE_URL must look like file:<path> or postgres://");
  });

  it("lets a tool read only its own settings, so a bad one it does not use does not stop it", () => {
    expect(() => readEnv({ PORT: "x" })).toThrow(/PORT/);
    expect(readEnvFor(["DATABASE_URL"], { PORT: "x", DATABASE_URL: "file:/srv/dc.sqlite" })).toEqual({ DATABASE_URL: "file:/srv/dc.sqlite" });
  });

  it("reads the mail settings, needs a sender and the public address with SMTP_URL, and never prints its password", () => {
    const none = readEnv({});
    expect([none.SMTP_URL, none.MAIL_FROM, none.MAIL_SCHEDULER]).toEqual([undefined, undefined, undefined]);
    const mail = { SMTP_URL: "smtp://coach:s3cret-pass@mail.example.org:587", MAIL_FROM: "DeskCoach <coach@example.org>", APP_ORIGIN: "https://coach.example.org" };
    expect(readEnv(mail)).toMatchObject(mail);
    expect(readEnv({ ...mail, SMTP_URL: "smtps://mail.example.org", MAIL_FROM: "coach@example.org" }).SMTP_URL).toBe("smtps://mail.example.org");
    expect(() => readEnv({ ...mail, MAIL_FROM: "" })).toThrow("MAIL_FROM must be set when SMTP_URL is set");
    expect(() => readEnv({ ...mail, APP_ORIGIN: "" })).toThrow("APP_ORIGIN must be set when SMTP_URL is set");
    expect(() => readEnv({ ...mail, MAIL_FROM: "DeskCoach" })).toThrow("MAIL_FROM must be an address");
    for (const bad of ["http://coach:s3cret-pass@mail.example.org", "smtp://coach:s3cret-pass@", "coach:s3cret-pass@mail.example.org:587"]) {
      let message = "";
      try {
        readEnv({ ...mail, SMTP_URL: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain("SMTP_URL must look like smtp://");
      expect(message).not.toContain("s3cret-pass");
    }
    expect(readEnvFor(["MAIL_SCHEDULER"], { MAIL_SCHEDULER: "0" })).toEqual({ MAIL_SCHEDULER: false });
  });
});
