import fs from "node:fs";
import path from "node:path";
import { fromMarkdown } from "mdast-util-from-markdown";
import { mdxFromMarkdown } from "mdast-util-mdx";
import { mdxjs } from "micromark-extension-mdxjs";
import { afterEach, describe, expect, it } from "vitest";
import { checkLessonBody, normaliseUrl, safeUrl, urlProblem } from "#app/models/authored-mdx.server.ts";
import { checkLesson, LESSON_COMPONENTS, loadContent, splitFrontmatter } from "#app/models/content.server.ts";
import { compileLessons } from "#app/models/lesson-compiler.server.ts";
import { removeTempDirs, tempDir } from "#tests/support/db.ts";
import { HOSTILE_BODIES } from "#tests/support/hostile-mdx.ts";

afterEach(removeTempDirs);

const FRONTMATTER = "---\ntitle: A lesson\nsummary: One sentence.\nminutes: 5\norder: 1\nobjectives:\n  - Do the thing.\nskills: [greeting]\nreviewed: 2026-06-01\n---\n";
/** The file line the body starts on, after FRONTMATTER. */
const BODY_LINE = FRONTMATTER.split("\n").length;
const SKILLS = [{ id: "greeting", label: "Greeting" }];

const check = (body: string, imageNames?: ReadonlySet<string>) => checkLessonBody(body, { bodyLine: 1, imageNames });

/** Every node of an mdast tree, without recursion. */
function nodesOf(tree: unknown): { type: string; name?: string | null; attributes?: { type: string; name?: string; value?: unknown }[] }[] {
  const out: { type: string; name?: string | null; children?: unknown[] }[] = [];
  const stack = [tree as { type: string; children?: unknown[] }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    for (const child of node.children ?? []) stack.push(child as { type: string; children?: unknown[] });
  }
  return out;
}

describe("the hostile corpus", () => {
  it("has at least 40 payloads with distinct names, and canaries that would run if compiled", () => {
    expect(HOSTILE_BODIES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(HOSTILE_BODIES.map((h) => h.name)).size).toBe(HOSTILE_BODIES.length);
    expect(HOSTILE_BODIES.filter((h) => h.body.includes("CANARY")).length).toBeGreaterThanOrEqual(3);
    expect(HOSTILE_BODIES.some((h) => h.body.includes("process.exit"))).toBe(true);
  });

  for (const hostile of HOSTILE_BODIES) {
    it(`refuses ${hostile.name}, on line ${hostile.line}`, () => {
      const problems = check(hostile.body.replaceAll("CANARY", "/nonexistent/canary"));
      expect(problems.length, hostile.name).toBeGreaterThan(0);
      expect(problems.map((p) => p.line), `${hostile.name}: ${JSON.stringify(problems).slice(0, 400)}`).toContain(hostile.line);
      for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
    });
  }

  it("reports file lines: bodyLine shifts every line", () => {
    const hostile = HOSTILE_BODIES.find((h) => h.name === "an expression that exits")!;
    expect(checkLessonBody(hostile.body, { bodyLine: 12 }).map((p) => p.line)).toEqual([hostile.line + 11]);
  });

  it("refuses every payload before compile: the server's path never reaches the compiler, and nothing runs", async () => {
    const dir = tempDir("deskcoach-hostile-");
    const canary = path.join(tempDir("deskcoach-canary-"), "canary");
    fs.writeFileSync(path.join(dir, "skills.yaml"), "- id: greeting\n  label: Greeting\n");
    fs.mkdirSync(path.join(dir, "hostile"));
    fs.writeFileSync(path.join(dir, "hostile", "module.yaml"), "title: Hostile\nsummary: Hostile lessons.\norder: 1\nskills: [greeting]\n");
    HOSTILE_BODIES.forEach((hostile, i) => {
      fs.writeFileSync(path.join(dir, "hostile", `payload-${i + 1}.mdx`), FRONTMATTER + hostile.body.replaceAll("CANARY", canary));
    });
    // As the server's start and content:check do: read and check, then compile what passed.
    const { content, problems } = loadContent(dir, { today: "2026-12-05" });
    const passed = content.modules.flatMap((m) => m.lessons);
    expect(passed).toEqual([]);
    HOSTILE_BODIES.forEach((hostile, i) => {
      const mine = problems.filter((p) => p.file.endsWith(`payload-${i + 1}.mdx`));
      expect(mine.map((p) => p.line), `${hostile.name}: ${JSON.stringify(mine).slice(0, 400)}`).toContain(BODY_LINE + hostile.line - 1);
    });
    // Compiling what passed compiles nothing (the compiler runs in its own thread and counts).
    expect((await compileLessons(passed, tempDir("deskcoach-cache-"))).compiled).toBe(0);
    // And as the studio does, one lesson at a time through checkLesson.
    for (const hostile of HOSTILE_BODIES) {
      const result = checkLesson(
        { moduleSlug: "hostile", lessonSlug: "payload", source: FRONTMATTER + hostile.body.replaceAll("CANARY", canary), quizText: null, file: "payload.mdx", quizFile: "payload.quiz.yaml", imageNames: new Set() },
        { skills: SKILLS, today: "2026-12-05" },
      );
      expect(result.lesson, hostile.name).toBeNull();
    }
    expect(fs.existsSync(canary)).toBe(false);
  });

  it("answers pathological input, without throwing or overflowing the stack", () => {
    const named: [string, string][] = [
      ["100,000 >", ">".repeat(100_000)],
      ["50,000 nested <Tip>", "<Tip>\n\n".repeat(50_000)],
      ["50,000 <Tip> on one line", "<Tip>".repeat(50_000)],
      ["10,000 [", "[".repeat(10_000)],
      ["a 1 MB line of *", "*".repeat(1_000_000)],
      ["nested lists on one line", "- ".repeat(29_000)],
      ["{ and 59,000 /", `{${"/".repeat(58_998)}}`],
      ["export and 50,000 (", `export const x = ${"(".repeat(50_000)}`],
      ["59,000 *", "*".repeat(59_000)],
    ];
    for (const [name, body] of named) expect(Array.isArray(check(body)), name).toBe(true);
    // The densest bodies the limits let through reach the parser: its work stays linear.
    const fill = (paragraph: string) => `${paragraph}\n\n`.repeat(Math.floor(59_000 / (paragraph.length + 2)));
    const dense: [string, string][] = [
      ["emphasis nested 200 deep, many times", fill(`${"*".repeat(200)}a${"*".repeat(199)}`)],
      ["200 links a paragraph", fill("[a](https://a.example) ".repeat(8))],
      ["200 brackets a paragraph", fill("[a]".repeat(200))],
      ["200 code spans a paragraph", fill(Array.from({ length: 200 }, (_, i) => "`".repeat((i % 40) + 1) + "a").join(""))],
      ["a long list", "- item\n".repeat(1_999)],
      ["quotes and lists nested on every line", "> - > - x\n".repeat(300)],
      ["many inline components", fill("<Tip>a</Tip>".repeat(50))],
    ];
    for (const [name, body] of dense) expect(Array.isArray(check(body)), name).toBe(true);
    // A parse that grew faster than its input would not finish within the test's time limit. How
    // long each takes is not asserted: under load a wall-clock limit fails for no fault of the code.
  }, 60_000);

  it("never throws on random MDX-ish text, and what it accepts is safe under the full MDX parser too", () => {
    const pieces = ["<", ">", "</", "/>", "{", "}", "[", "]", "(", ")", "![", "*", "_", "`", "\\", "&#106;", "javascript:", "import ", "export ", "\n", "\n\n", " ", "a", "Tip", "Scenario", " title=", '"', "'", "/", "- ", "1. ", "# ", ":", "https://x.example", "images/a.png", "...", "=", "&", "!", "%6A", "//", "<!--", "-->", "process.exit(1)"];
    let seed = 20_261_205;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const real = mdxjs(); // with acorn, as mdx-bundler parses
    let accepted = 0;
    for (let i = 0; i < 3_000; i++) {
      let body = "";
      const length = 1 + Math.floor(random() * 40);
      for (let k = 0; k < length; k++) body += pieces[Math.floor(random() * pieces.length)];
      let problems: ReturnType<typeof check> = [];
      expect(() => (problems = check(body)), JSON.stringify(body)).not.toThrow();
      if (problems.length > 0) continue;
      accepted += 1;
      const tree = fromMarkdown(body, { extensions: [real], mdastExtensions: [mdxFromMarkdown()] });
      for (const node of nodesOf(tree)) {
        expect(["mdxjsEsm", "mdxFlowExpression", "mdxTextExpression", "html"], JSON.stringify(body)).not.toContain(node.type);
        if (node.type.startsWith("mdxJsx")) {
          expect(LESSON_COMPONENTS as readonly string[], JSON.stringify(body)).toContain(node.name);
          for (const a of node.attributes ?? []) expect(a.type === "mdxJsxAttribute" && a.name === "title" && typeof a.value === "string").toBe(true);
        }
        const target = (node as { url?: string }).url;
        if (target !== undefined) expect(safeUrl(target, node.type === "image" ? "image" : "link"), JSON.stringify(body)).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });
});

describe("ordinary lessons", () => {
  it("passes every built-in lesson body, under the full MDX parser as well", () => {
    const files = fs
      .readdirSync("content", { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => fs.readdirSync(path.join("content", d.name)).filter((f) => f.endsWith(".mdx")).map((f) => path.join("content", d.name, f)));
    expect(files.length).toBeGreaterThanOrEqual(52);
    for (const file of files) {
      const split = splitFrontmatter(fs.readFileSync(file, "utf8"));
      expect(split, file).not.toBeNull();
      expect(checkLessonBody(split!.body, { bodyLine: split!.bodyLine }), file).toEqual([]);
      expect(() => fromMarkdown(split!.body, { extensions: [mdxjs()], mdastExtensions: [mdxFromMarkdown()] }), file).not.toThrow();
    }
  });

  it("accepts ordinary Markdown: headings, lists, emphasis, https, mailto, tel and relative links, the lesson's pictures", () => {
    const body = [
      "## What to say first",
      "",
      "Some *emphasis*, **strong** and ***both***, with `code` too. Waits under 5 minutes, and 3 > 2.",
      "",
      "- one",
      "- two",
      "  - nested",
      "    1. deeper",
      "",
      "1. first",
      "2. second",
      "",
      "> A patient said this.",
      "",
      '[HHS guidance](https://www.hhs.gov/hipaa/index.html "HHS"), [email the desk](mailto:frontdesk@example.com),',
      "[call us](tel:+1-505-555-0100), [the next lesson](../the-phone/voicemail), [takeaways](#takeaways),",
      "[the lesson page](/lessons/the-first-ten-seconds) and [the rule][hhs].",
      "",
      "![The check-in screen with the copay box circled](images/check-in.png)",
      "",
      '![A plan of the front desk](https://example.com/desk.png "The desk")',
      "",
      '<Scenario title="Monday, 8:02 a.m. &amp; busy">',
      "",
      "A patient walks in. Braces and angles as text: \\{ and \\<.",
      "",
      "</Scenario>",
      "",
      "An inline <Tip>tip</Tip> and a <KeyPoint>point</KeyPoint>.",
      "",
      "***",
      "",
      "Name: ______________",
      "",
      "[hhs]: https://www.hhs.gov",
    ].join("\n");
    expect(check(body)).toEqual([]);
    expect(check(body, new Set(["check-in.png"]))).toEqual([]);
    for (const name of LESSON_COMPONENTS) expect(check(`<${name}>\n\nText.\n\n</${name}>\n`), name).toEqual([]);
  });

  it("accepts components nested 12 deep and refuses 13", () => {
    const nest = (n: number) => `${"<Tip>\n\n".repeat(n)}x\n\n${"</Tip>\n\n".repeat(n)}`;
    expect(check(nest(12))).toEqual([]);
    expect(check(nest(13)).map((p) => p.line)).toEqual([25]);
    const list = (n: number) => Array.from({ length: n }, (_, i) => `${"  ".repeat(i)}- level ${i + 1}`).join("\n");
    expect(check(list(12))).toEqual([]);
    expect(check(list(13)).length).toBeGreaterThan(0);
  });

  it("holds pictures to the lesson's uploads when it has a list of them", () => {
    expect(check("![The desk](images/desk.png)", new Set(["desk.png"]))).toEqual([]);
    expect(check("Text.\n\n![The desk](images/other.png)", new Set(["desk.png"]))).toEqual([{ line: 3, message: expect.stringMatching(/no uploaded picture named other\.png/) }]);
    expect(check("![The desk](images/desk.png)", new Set())).toHaveLength(1);
    expect(check("![The desk](images/Desk%20Photo.png)")).toHaveLength(1);
  });

  it("limits size and lines before parsing", () => {
    expect(check("a".repeat(60_000))).toEqual([]);
    expect(check("a".repeat(60_001))[0]?.message).toMatch(/60,000/);
    expect(check("a\n".repeat(1_999) + "a")).toEqual([]);
    expect(check("a\n".repeat(2_000) + "a")[0]?.message).toMatch(/2,000/);
    expect(check("a\r".repeat(2_000) + "a")[0]?.message).toMatch(/2,000/);
  });
});

describe("checkLesson", () => {
  it("runs the same gate and names file lines", () => {
    const source = `${FRONTMATTER}\nA paragraph.\n\n<Tip onClick="alert(1)">\n\nhi\n\n</Tip>\n\n![](images/x.png)\n`;
    const result = checkLesson({ moduleSlug: "m", lessonSlug: "l", source, quizText: null, file: "l.mdx", quizFile: "l.quiz.yaml", imageNames: new Set(["x.png"]) }, { skills: SKILLS, today: "2026-12-05" });
    expect(result.lesson).toBeNull();
    const lines = result.problems.filter((p) => /onClick|alt text/.test(p.message)).map((p) => p.line);
    expect(lines).toEqual([BODY_LINE + 3, BODY_LINE + 9]);
    expect(source.split("\n")[BODY_LINE + 3 - 1]).toContain("onClick");
  });
});

describe("addresses", () => {
  it("allows https, mailto, tel and relative links", () => {
    for (const url of ["https://www.hhs.gov/hipaa", "HTTPS://EXAMPLE.COM", "mailto:desk@example.com", "tel:+15055550100", "../other-lesson", "/lessons/x", "#takeaways", "?page=2", "next"]) {
      expect(urlProblem(url, "link"), url).toBeNull();
    }
  });

  it("refuses every other scheme however it is spelled", () => {
    const refused = [
      "javascript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)", "\u0001javascript:alert(1)",
      "javascript\u0000:alert(1)", "&#106;avascript:alert(1)", "&#x6a;avascript:alert(1)", "javascript&colon;alert(1)", "%6Aavascript:alert(1)",
      "%256Aavascript:alert(1)", "&#37;6Aavascript:alert(1)", "java%09script:alert(1)", "javascript%3Aalert(1)", "vbscript:msgbox", "data:text/html,x", "file:///etc/passwd",
      "http://example.com", "ftp://example.com", "//evil.example", "\\\\evil.example", "/\\evil.example", " //evil.example", "https:///evil", "https:", "",
    ];
    for (const url of refused) expect(urlProblem(url, "link"), JSON.stringify(url)).not.toBeNull();
  });

  it("allows https pictures and the lesson's own, nothing else", () => {
    expect(safeUrl("https://example.com/a.png", "image")).toBe(true);
    expect(safeUrl("images/check-in.png", "image")).toBe(true);
    expect(safeUrl("images/check-in.webp", "image", new Set(["check-in.webp"]))).toBe(true);
    for (const url of ["images/check-in.png?x", "images/../x.png", "./images/a.png", "/images/a.png", "images/a.svg", "images/A.png", "http://example.com/a.png", "data:image/png;base64,AAAA", "//evil.example/a.png", "/logout", "a.png"]) {
      expect(safeUrl(url, "image"), url).toBe(false);
    }
    expect(safeUrl("images/other.png", "image", new Set(["check-in.png"]))).toBe(false);
  });

  it("normalises before deciding", () => {
    expect(normaliseUrl(" Java\tScript&#58;%61lert(1) ")).toBe("javascript:alert(1)");
  });
});
