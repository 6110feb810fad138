// The content check remembered between starts: reused only while the folder's bytes, the date
// and the checker are all unchanged, and never for content with problems.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadCheckedContent } from "#app/models/content-cache.server.ts";
import { loadContent } from "#app/models/content.server.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-content-cache-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("the content check between starts", () => {
  const dir = path.join(tmp, "content");
  const cacheDir = path.join(tmp, "cache");
  fs.cpSync("content", dir, { recursive: true });
  const today = "2026-12-05";
  const load = (checker: string | null, day = today) => loadCheckedContent(dir, { cacheDir, checker, today: day });

  it("is reused while nothing changes, and gives what a fresh check gives", () => {
    const first = load("build-1");
    expect(first.fromCache).toBe(false);
    expect(first.problems).toEqual([]);
    const second = load("build-1");
    expect(second.fromCache).toBe(true);
    const { fromCache: _a, ...cached } = second;
    expect(cached).toEqual(loadContent(dir, { today }));
  });

  it("is checked afresh when a byte, the checker or the date changes", () => {
    load("build-1");
    const lesson = path.join(dir, "the-phone", "voicemail.mdx");
    fs.appendFileSync(lesson, "\n");
    expect(load("build-1").fromCache).toBe(false);
    expect(load("build-1").fromCache).toBe(true);
    expect(load("build-2").fromCache).toBe(false);
    expect(load("build-2", "2026-12-06").fromCache).toBe(false);
    // One verdict is kept, not one per day or build.
    expect(fs.readdirSync(cacheDir).filter((n) => n.startsWith("content-check-"))).toHaveLength(1);
  });

  it("never keeps content with problems, and is not used without a checker identity", () => {
    const quiz = path.join(dir, "the-phone", "voicemail.quiz.yaml");
    fs.writeFileSync(quiz, "questions: not a list\n");
    const broken = load("build-3");
    expect(broken.problems.length).toBeGreaterThan(0);
    expect(load("build-3").fromCache).toBe(false);
    expect(load("build-3").problems).toEqual(broken.problems);
    expect(load(null).fromCache).toBe(false);
  });
});
