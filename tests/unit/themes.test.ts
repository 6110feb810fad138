import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildCatalog } from "#app/models/catalog.server.ts";
import { loadContent } from "#app/models/content.server.ts";
import { modulesForSkill } from "#app/models/feedback-insights.server.ts";
import { compileThemes, matchThemes, phrasePattern, phraseProblem } from "#app/models/themes.ts";
import { removeTempDirs, tempDir } from "#tests/support/db.ts";

afterEach(removeTempDirs);

describe("phrase rules", () => {
  const matches = (phrase: string, text: string) => phrasePattern(phrase).test(text);

  it("match whole words in any case, with * for any ending", () => {
    expect(matches("wait*", "We WAITED an hour")).toBe(true);
    expect(matches("wait*", "waiting room was full")).toBe(true);
    expect(matches("wait*", "I could not await it")).toBe(false);
    expect(matches("late", "the chocolate was nice")).toBe(false);
    expect(matches("bill", "my bill was wrong")).toBe(true);
    expect(matches("bill", "billing was wrong")).toBe(false);
  });

  it("let the words of a phrase be split by any gap, and a hyphen be there or not", () => {
    expect(matches("on hold", "was on  hold for ages")).toBe(true);
    expect(matches("on hold", "on\nhold")).toBe(true);
    expect(matches("on hold", "on household chores")).toBe(false);
    expect(matches("check-in", "check in took forever")).toBe(true);
    expect(matches("check-in", "the checkin kiosk")).toBe(true);
    expect(matches("check-in", "Check-in was smooth")).toBe(true);
    expect(matches("didn't care", "they didn’t care")).toBe(true);
  });

  it("refuse what cannot be matched safely", () => {
    expect(phraseProblem("wait*")).toBeNull();
    expect(phraseProblem("didn't look up")).toBeNull();
    expect(phraseProblem("wa*it")).toMatch(/only at the end of a word/);
    expect(phraseProblem("<script>")).toMatch(/use letters/);
    expect(phraseProblem("ok")).toMatch(/too short/);
    expect(phraseProblem("")).toMatch(/must be text/);
    expect(phraseProblem(42)).toMatch(/must be text/);
  });
});

describe("matching comments to themes", () => {
  const themes = compileThemes([
    { skill: "wait-times", phrases: ["wait*", "running late"] },
    { skill: "phone", phrases: ["phone*", "on hold", "call*"] },
    { skill: "greeting", phrases: ["name"] },
    { skill: "privacy", phrases: ["out loud"] },
  ]);

  it("finds every theme a comment is about, in rule order", () => {
    expect(matchThemes(themes, "Was on hold 20 minutes, then waited an hour in the lobby.")).toEqual(["wait-times", "phone"]);
    expect(matchThemes(themes, "They read my diagnosis out loud.")).toEqual(["privacy"]);
    expect(matchThemes(themes, "Lovely people.")).toEqual([]);
    expect(matchThemes(themes, "")).toEqual([]);
  });

  it("does not read the scrubber's marks as words", () => {
    expect(matchThemes(themes, "Hi [name], call me at [phone]")).toEqual(["phone"]);
    expect(matchThemes(themes, "[name]")).toEqual([]);
  });

  it("matches the real rules to realistic comments", () => {
    const { content, problems } = loadContent("content");
    expect(problems).toEqual([]);
    const real = compileThemes(content.themes ?? []);
    const cases: [string, string[]][] = [
      ["Sat in the lobby for 50 minutes and nobody told us the doctor was running behind.", ["wait-times"]],
      ["Called three times, on hold forever, and never heard back about my refill.", ["phone", "messages"]],
      ["The receptionist was rude and rolled her eyes when I asked about my bill.", ["empathy", "billing"]],
      ["They said my test results out loud in front of the whole waiting room.", ["wait-times", "privacy"]],
      ["Check-in was quick and the front desk was friendly.", ["check-in", "empathy"]],
      ["Needed a Spanish interpreter and they had one ready.", ["language-access"]],
      ["They said they take my insurance, then I got a bill because they are out of network.", ["billing", "insurance"]],
      ["I asked for a copy of my medical records three times.", ["records"]],
      ["A man collapsed in the waiting room and the desk dialed 911 at once.", ["wait-times", "emergencies"]],
    ];
    for (const [comment, expected] of cases) expect(matchThemes(real, comment), comment).toEqual(expected);
  });

  it("points comments about insurance, records and emergencies at the modules that teach them", () => {
    const catalog = buildCatalog(loadContent("content").content, () => "");
    const first = (skill: string) => modulesForSkill(catalog, skill)[0]?.slug;
    expect(first("insurance")).toBe("insurance-and-records");
    expect(first("records")).toBe("insurance-and-records");
    expect(first("emergencies")).toBe("urgent-moments");
  });
});

describe("themes.yaml validation", () => {
  function problemsFor(themes: string) {
    const dir = tempDir("deskcoach-themes-");
    fs.writeFileSync(path.join(dir, "skills.yaml"), "- id: phone\n  label: Phone\n- id: billing\n  label: Billing\n");
    fs.writeFileSync(path.join(dir, "themes.yaml"), themes);
    return loadContent(dir);
  }

  it("accepts valid rules and names the file and line of each problem", () => {
    expect(problemsFor("phone:\n  - phone*\n  - on hold\n").problems).toEqual([]);
    expect(problemsFor("phone:\n  - phone*\n").content.themes).toEqual([{ skill: "phone", phrases: ["phone*"] }]);
    const { problems } = problemsFor("phone:\n  - phone*\n  - Phone*\njuggling:\n  - balls\nbilling:\n  - bi*ll\n  - ok\n");
    const lines = problems.map((p) => [path.basename(p.file), p.line, p.message]);
    expect(lines).toEqual([
      ["themes.yaml", 3, 'phone: phrase "phone*" is listed twice'],
      ["themes.yaml", 4, 'unknown skill "juggling" (see content/skills.yaml)'],
      ["themes.yaml", 7, expect.stringMatching(/^billing: phrase "bi\*ll": use letters/)],
      ["themes.yaml", 8, expect.stringMatching(/^billing: phrase "ok" is too short/)],
    ]);
  });

  it("refuses a theme without phrases and a file that is not a map", () => {
    expect(problemsFor("phone: []\n").problems.map((p) => p.message)).toEqual(["phone: needs a list of phrases"]);
    expect(problemsFor("- phone\n").problems.map((p) => p.message)).toEqual(["themes.yaml must map skill ids to lists of phrases"]);
  });

  it("is optional", () => {
    const dir = tempDir("deskcoach-themes-");
    fs.writeFileSync(path.join(dir, "skills.yaml"), "- id: phone\n  label: Phone\n");
    expect(loadContent(dir)).toMatchObject({ problems: [], content: { themes: [] } });
  });
});
