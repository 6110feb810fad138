import { describe, expect, it } from "vitest";
import { loadContent } from "#app/models/content.server.ts";
import { DEMO_COMMENTS } from "#app/models/demo-feedback.server.ts";
import { scrubComment } from "#app/models/scrub.ts";
import { compileThemes, matchThemes } from "#app/models/themes.ts";

describe("the demo practice's feedback", () => {
  const { content } = loadContent("content");
  const themes = compileThemes(content.themes ?? []);
  const all = Object.values(DEMO_COMMENTS).flat();

  it("is already scrubbed", () => {
    for (const c of all) expect(scrubComment(c.text).text, c.text).toBe(c.text);
  });

  it("falls under the themes its story needs, by the real rules", () => {
    for (const c of all) expect([...matchThemes(themes, c.text)].sort(), c.text).toEqual([...c.themes].sort());
  });
});
