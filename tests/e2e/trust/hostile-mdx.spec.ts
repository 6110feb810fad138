// The hostile MDX corpus (tests/support/hostile-mdx.ts) sent to a running server the way a manager
// could send it: saved as a draft, previewed, published, and imported in a module's .zip. Nothing
// runs (the canary file the code payloads would write is never written, and the process never
// exits), the server keeps answering, and every refusal names its line.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { request as playwright, type APIRequestContext } from "@playwright/test";
import { MAX_BODY_CHARS } from "#app/models/authored-mdx.server.ts";
import { MAX_LESSON_BYTES, packModule } from "#app/models/module-files.server.ts";
import { HOSTILE_BODIES } from "#tests/support/hostile-mdx.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { sameSite, seedTrustPractice, signInAs } from "#tests/support/trust-practice.ts";
import { expect, test } from "../fixtures.ts";

test.describe.configure({ mode: "serial" });

let server: TestServer;
let manager: APIRequestContext;
const canaryDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-canary-"));
const canary = path.join(canaryDir, "canary");
const armed = (body: string) => body.replaceAll("CANARY", canary);

test.beforeAll(async () => {
  server = await startServer({ seed: async (db) => void (await seedTrustPractice(db)) });
  manager = await playwright.newContext();
  await signInAs(manager, server.url, "manager");
});
test.afterAll(async () => {
  await manager?.dispose();
  await server?.stop();
  fs.rmSync(canaryDir, { recursive: true, force: true });
});

async function stillAnswering() {
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
}

/** The path a 302 points at (the id of what was just created). */
function createdAt(response: { status(): number; headers(): Record<string, string> }): string {
  expect(response.status()).toBe(302);
  return new URL(response.headers().location ?? "", server.url).pathname;
}

test("each hostile body saved, previewed and published is refused with its line, and nothing runs", async () => {
  test.setTimeout(180_000);
  const post = (at: string, form: Record<string, string>) => manager.post(`${server.url}${at}`, { form, headers: sameSite(server.url), maxRedirects: 0 });
  const modulePath = createdAt(await post("/manage/studio", { intent: "module", title: "Hostile ways", summary: "What a hostile author could write.", skills: "greeting" }));
  const moduleId = modulePath.split("/").at(-1) as string;
  const lessonPath = createdAt(await post("/manage/studio", { intent: "lesson", title: "Hostile lesson", moduleId }));

  for (const hostile of HOSTILE_BODIES) {
    const fields = {
      title: "Hostile lesson",
      summary: "A lesson that tries to run code.",
      minutes: "5",
      objectives: "Spot a hostile lesson.",
      skills: "greeting",
      sources: "",
      body: armed(hostile.body),
    };
    const refusal = `line ${hostile.line}:`;
    if (fields.body.length > MAX_BODY_CHARS) {
      // Too long to keep at all: refused before saving, beside the text, with its line; the draft is unchanged.
      for (const intent of ["save", "publish"]) {
        const response = await post(lessonPath, { ...fields, intent });
        expect(response.status(), hostile.name).toBe(400);
        expect(await response.text(), hostile.name).toContain(refusal);
      }
      await stillAnswering();
      continue;
    }
    // Saved: a draft may hold problems; the editor lists this one beside the text, with its line.
    expect((await post(lessonPath, { ...fields, intent: "save" })).status(), hostile.name).toBe(302);
    const editor = await manager.get(`${server.url}${lessonPath}`);
    expect(editor.status(), hostile.name).toBe(200);
    expect(await editor.text(), hostile.name).toContain(refusal);
    // Previewed: never compiled, the refusal shown instead of the lesson.
    const preview = await manager.get(`${server.url}${lessonPath}/preview`);
    expect(preview.status(), hostile.name).toBe(200);
    const shown = await preview.text();
    expect(shown, hostile.name).toContain("This text cannot be shown until these are fixed");
    expect(shown, hostile.name).toContain(refusal);
    // Published: refused, 400, the line named.
    const published = await post(lessonPath, { ...fields, intent: "publish" });
    expect(published.status(), hostile.name).toBe(400);
    expect(await published.text(), hostile.name).toContain(refusal);
    await stillAnswering();
  }
  expect(fs.existsSync(canary)).toBe(false);
  expect(server.output()).not.toMatch(/\n\s+at .+:\d+:\d+/);
});

test("each hostile body imported in a module's .zip is refused by file and line; nothing is imported and nothing runs", async () => {
  test.setTimeout(180_000);
  const frontmatter = "---\ntitle: A hostile lesson\nsummary: One sentence.\nminutes: 5\norder: 1\nobjectives:\n  - Do the thing.\nskills: [greeting]\nreviewed: 2026-06-01\n---\n";
  const bodyLine = frontmatter.split("\n").length;
  const moduleYaml = "title: Hostile import\nsummary: What a hostile zip could hold.\norder: 1\nskills: [greeting]\n";
  const encode = (text: string) => new TextEncoder().encode(text);
  const before = await server.db.selectFrom("studio_lesson").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();

  for (const hostile of HOSTILE_BODIES) {
    const zip = packModule("hostile-import", [
      { path: "module.yaml", bytes: encode(moduleYaml) },
      { path: "payload.mdx", bytes: encode(frontmatter + armed(hostile.body)) },
    ]);
    const response = await manager.post(`${server.url}/manage/studio/import`, {
      multipart: { files: { name: "hostile-import.zip", mimeType: "application/zip", buffer: Buffer.from(zip) } },
      headers: sameSite(server.url),
      maxRedirects: 0,
    });
    expect(response.status(), hostile.name).toBe(400);
    const page = await response.text();
    expect(page, hostile.name).toContain("Nothing was imported.");
    // A file too large to read is refused whole, on its first line; anything else on the payload's line.
    const tooLarge = frontmatter.length + hostile.body.length > MAX_LESSON_BYTES;
    expect(page, hostile.name).toContain(tooLarge ? "payload.mdx:1: is over 200 KB" : `payload.mdx:${bodyLine + hostile.line - 1}:`);
    await stillAnswering();
  }
  const after = await server.db.selectFrom("studio_lesson").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  expect(Number(after.n)).toBe(Number(before.n));
  expect(fs.existsSync(canary)).toBe(false);
  expect(server.output()).not.toMatch(/\n\s+at .+:\d+:\d+/);
});
