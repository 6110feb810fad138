// The gate before any lesson body is compiled. MDX compiles to JavaScript that runs in the server,
// so a body written in the studio (or imported, or edited in content/) is hostile until it passes:
// it is parsed with the MDX grammar mdx-bundler uses, never compiled, and refused with the line of
// anything that is not plain Markdown or a lesson component with plain-text attributes. Every
// lesson, built-in or authored, goes through it (checkLesson). The rules are listed in
// content/README.md and docs/security.md.
//
// The parser itself is protected too: limits that bound its work (size, lines, nesting, brackets,
// braces) are checked on the raw text first, and the JavaScript inside `{ }` and import/export is
// never handed to a JavaScript parser (it is refused whatever it says), so nothing recurses on
// what an author wrote. The tree is walked without recursion.
import { fromMarkdown } from "mdast-util-from-markdown";
import { mdxFromMarkdown } from "mdast-util-mdx";
import { mdxjs } from "micromark-extension-mdxjs";
import { LESSON_COMPONENTS } from "./content-schema.server.ts";

export interface BodyProblem {
  line: number;
  message: string;
}

/** Larger than any lesson the rules accept (900 words), small enough to refuse a pasted book. */
export const MAX_BODY_CHARS = 60_000;
export const MAX_BODY_LINES = 2_000;
/** Lists, block quotes and components inside one another, at most. */
export const MAX_NESTING = 12;
/** Leading spaces on a line (a tab counts to the next multiple of 4). */
const MAX_INDENT = 4 * MAX_NESTING;
/** `[` in one paragraph (a run of lines without a blank line): links are matched per paragraph. */
const MAX_BRACKETS_PER_PARAGRAPH = 200;
/** `*` and `_` in one paragraph: emphasis inside emphasis costs the parser far more than its length. */
const MAX_EMPHASIS_PER_PARAGRAPH = 400;
/** Runs of backticks in one paragraph: each looks ahead for its closing run. */
const MAX_CODE_RUNS_PER_PARAGRAPH = 200;
/** Container work: each line's list, quote and indent depth, summed (see rawLimits). */
const MAX_CONTAINER_WORK = 2_000;
/** `{` in the whole body, and the length of one `{ … }`: braces are refused anyway. */
const MAX_BRACES = 100;
const MAX_BRACE_SPAN = 1_000;
/** Any node deeper than this (formatting inside formatting…) is refused without looking further. */
const MAX_TREE_DEPTH = 64;
const MAX_PROBLEMS = 50;
/** Nodes that count towards MAX_NESTING. */
const NESTS: ReadonlySet<string> = new Set(["blockquote", "list", "mdxJsxFlowElement", "mdxJsxTextElement"]);

/** Attributes each component takes: only Scenario's title, as plain text. */
const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = { Scenario: ["title"] };
const COMPONENTS: ReadonlySet<string> = new Set<string>(LESSON_COMPONENTS);
const COMPONENT_LIST = `${LESSON_COMPONENTS.slice(0, -1).join(", ")} and ${LESSON_COMPONENTS.at(-1)}`;
/** A lesson's own picture, as the studio names uploads (lesson-images.server.ts). */
const IMAGE_FILE = /^images\/([a-z0-9][a-z0-9-]{0,79}\.(?:png|jpg|webp))$/;
const LINK_SCHEMES: ReadonlySet<string> = new Set(["https", "mailto", "tel"]);

interface Node {
  type: string;
  name?: string | null;
  url?: string;
  alt?: string | null;
  identifier?: string;
  attributes?: { type: string; name?: string; value?: unknown }[];
  children?: Node[];
  position?: { start: { line: number } };
}

// ---------------------------------------------------------------------------------------------
// Addresses

/** Named character references a browser would read inside an address, beyond what the parser decodes. */
const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  colon: ":", sol: "/", bsol: "\\", tab: "\t", newline: "\n", amp: "&", num: "#", percnt: "%",
  period: ".", lpar: "(", rpar: ")", quest: "?", equals: "=", nbsp: "\u00a0",
};

function decodeOnce(value: string): string {
  return value
    .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&#(?:x([0-9a-f]{1,6})|([0-9]{1,7}));?/gi, (whole, hex: string | undefined, dec: string | undefined) => {
      const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/&([a-z]{2,8});/gi, (whole, name: string) => NAMED_ENTITIES[name.toLowerCase()] ?? whole);
}

/**
 * An address as a browser could end up reading it: percent and character-reference encodings
 * decoded (repeatedly, a few rounds), every control character and every kind of space removed
 * (browsers drop tabs and newlines anywhere and spaces at the ends), case folded. Only used to
 * decide; the address itself is never rewritten.
 */
export function normaliseUrl(url: string): string {
  let value = url.slice(0, 4_096);
  for (let round = 0; round < 4; round++) {
    const next = decodeOnce(value);
    if (next === value) break;
    value = next;
  }
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/g, "").toLowerCase();
}

function shown(url: string): string {
  // eslint-disable-next-line no-control-regex
  const printable = url.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?").trim();
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}

/**
 * Why an address may not appear in a lesson, or null when it may. Decided by allow-list on the
 * normalised address (normaliseUrl): a link may be `https:`, `mailto:`, `tel:` or relative to the
 * site (no scheme, not `//host`); a picture may be `https:` or one of the lesson's own pictures,
 * `images/<name>` (one of `imageNames` when given, else any safe file name).
 */
export function urlProblem(url: string, kind: "link" | "image", imageNames?: ReadonlySet<string>): string | null {
  const folded = normaliseUrl(url);
  const what = kind === "image" ? "a picture" : "a link";
  if (folded === "") return kind === "image" ? "a picture needs an address: ![what it shows](images/name.png)" : "a link needs an address: [words](https://…)";
  // `//host` and `\\host` (browsers read \ as /) leave the site while looking relative.
  if (/^[\\/]{2}/.test(folded)) return `${what} address starting with // goes to another site: write it in full with https://`;
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(folded)?.[1];
  // Without a scheme, nothing before the path may contain a colon (`&x:`, `%3a`…): no disguised schemes.
  if (!scheme && /^[^/?#]*:/.test(folded)) return `${what} address "${shown(url)}" is not allowed: write a plain https:// address`;
  if (kind === "image") {
    if (scheme === "https") return /^https:\/\/[^/\\?#]/.test(folded) ? null : `the picture address "${shown(url)}" is not a full https:// address`;
    if (scheme) return `a picture must be an https:// address or one of this lesson's uploaded pictures (images/<name>), not ${scheme}:`;
    const name = IMAGE_FILE.exec(url.trim())?.[1];
    if (!name) return `the picture "${shown(url)}" is not allowed: use one of this lesson's uploaded pictures, written images/<name>.png, .jpg or .webp, or an https:// address`;
    if (imageNames && !imageNames.has(name)) return `there is no uploaded picture named ${name}: upload it to this lesson, or correct the name`;
    return null;
  }
  if (!scheme) return null;
  if (!LINK_SCHEMES.has(scheme)) return `the link "${shown(url)}" is not allowed: a link may go to an https:// web address, an email (mailto:), a phone number (tel:) or a page of this site, not ${scheme}:`;
  if (scheme === "https" && !/^https:\/\/[^/\\?#]/.test(folded)) return `the link "${shown(url)}" is not a full https:// address`;
  return null;
}

/** Whether an address may appear in a lesson (urlProblem finds nothing wrong). */
export function safeUrl(url: string, kind: "link" | "image", imageNames?: ReadonlySet<string>): boolean {
  return urlProblem(url, kind, imageNames) === null;
}

// ---------------------------------------------------------------------------------------------
// Limits on the raw text, before the parser sees it

const NESTED = `lists, quotes (>) and components are nested more than ${MAX_NESTING} levels deep here: flatten them`;
const BRACES = "{ } braces are code, which lessons may not contain: remove them (to show a brace as text, write \\{ )";

function isBlankOrEnd(c: string | undefined): boolean {
  return c === undefined || c === " " || c === "\t";
}

/**
 * What would make the parser slow or deep, found in one pass over the raw text: too many
 * characters or lines, container markers (`>`, `-`, `1.`) or indentation nested too deep, too
 * much container work overall (the parser re-checks every open list and quote on every line),
 * components opened inside one another too deep, too many `[` in a paragraph, and long or many
 * `{ … }`. Fenced code and code spans are skipped roughly; this only bounds, the tree decides.
 */
/** A body too long to keep at all: the studio's form refuses it before saving, with this message. */
export function bodySizeProblem(body: string): BodyProblem | null {
  if (body.length > MAX_BODY_CHARS) {
    return { line: 1, message: `the lesson is ${body.length.toLocaleString("en-US")} characters long; the limit is ${MAX_BODY_CHARS.toLocaleString("en-US")} (a five-minute lesson is far shorter)` };
  }
  return null;
}

function rawLimits(body: string): BodyProblem | null {
  const size = bodySizeProblem(body);
  if (size) return size;
  const lines = body.split(/\r\n|\r|\n/);
  if (lines.length > MAX_BODY_LINES) {
    return { line: 1, message: `the lesson has ${lines.length.toLocaleString("en-US")} lines; the limit is ${MAX_BODY_LINES.toLocaleString("en-US")}` };
  }
  let containerWork = 0;
  let runDepth = 0; // deepest container line in the current paragraph (lazy lines re-check them all)
  let fence: string | null = null; // the ``` or ~~~ run that opened a fenced code block
  let codeRun = 0; // length of the backtick run that opened a code span, 0 outside one
  let brackets = 0;
  let emphasis = 0;
  let codeRuns = 0;
  let elements = 0;
  let braces = 0;
  let braceDepth = 0;
  let braceStart = { line: 0, offset: 0 };
  let offset = 0;
  for (let i = 0; i < lines.length; i++, offset += 1) {
    const text = lines[i] as string;
    const line = i + 1;
    const lineOffset = offset;
    offset += text.length;
    if (/^[ \t]*$/.test(text)) {
      containerWork += runDepth;
      runDepth = 0;
      brackets = 0;
      emphasis = 0;
      codeRuns = 0;
      codeRun = 0;
      continue;
    }
    // The container prefix: indentation, `>` and list markers.
    let at = 0;
    let columns = 0;
    let spaces = 0;
    let markers = 0;
    for (;;) {
      const c = text[at];
      let length = 1; // characters taken
      let width = 1; // columns they take
      if (c === " " || c === "\t") {
        if (c === "\t") width = 4 - (columns % 4);
        spaces += width;
      } else if (c === ">" || ((c === "-" || c === "*" || c === "+") && isBlankOrEnd(text[at + 1]))) {
        markers += 1;
      } else {
        const ordered = /^[0-9]{1,9}[.)]/.exec(text.slice(at, at + 11))?.[0];
        if (!ordered || !isBlankOrEnd(text[at + ordered.length])) break;
        length = width = ordered.length;
        markers += 1;
      }
      columns += width;
      at += length;
      if (markers > MAX_NESTING) return { line, message: NESTED };
      if (columns > MAX_INDENT + 2 * MAX_NESTING) return { line, message: `this line is indented more than ${MAX_INDENT} spaces: ${NESTED}` };
    }
    if (spaces > MAX_INDENT) return { line, message: `this line is indented more than ${MAX_INDENT} spaces: ${NESTED}` };
    runDepth = Math.max(runDepth, markers + Math.floor(spaces / 2));
    containerWork += runDepth;
    if (containerWork > MAX_CONTAINER_WORK) {
      return { line, message: `the lesson has too many list items and quote lines (>), or they are nested too deeply, to check: simplify the lists up to here` };
    }
    // Fenced code: components inside it are text. (Braces and brackets are counted everywhere: a
    // fence this scan misreads must not hide them from it.)
    const rest = text.slice(at);
    const fenceRun = /^(`{3,}|~{3,})/.exec(rest)?.[1];
    const fenced = fence !== null || fenceRun !== undefined;
    if (fence !== null) {
      if (fenceRun && fenceRun[0] === fence[0] && fenceRun.length >= fence.length && /^[`~]+[ \t]*$/.test(rest)) fence = null;
    } else if (fenceRun) {
      fence = fenceRun;
    }
    for (let j = at; j < text.length; j++) {
      const c = text[j];
      // Inside `{ … }` the parser counts braces without escapes, and so does this.
      if (c === "\\" && braceDepth === 0) {
        j += 1;
        continue;
      }
      if (c === "[") {
        brackets += 1;
        if (brackets > MAX_BRACKETS_PER_PARAGRAPH) return { line, message: `more than ${MAX_BRACKETS_PER_PARAGRAPH} [ brackets in one paragraph: split it up or remove them` };
      } else if (c === "*" || c === "_") {
        emphasis += 1;
        if (emphasis > MAX_EMPHASIS_PER_PARAGRAPH) return { line, message: `more than ${MAX_EMPHASIS_PER_PARAGRAPH} * and _ marks in one paragraph: split it up or remove them` };
      } else if (c === "`" && text[j - 1] !== "`") {
        codeRuns += 1;
        if (codeRuns > MAX_CODE_RUNS_PER_PARAGRAPH) return { line, message: `more than ${MAX_CODE_RUNS_PER_PARAGRAPH} \` marks in one paragraph: split it up or remove them` };
      } else if (c === "{") {
        braces += 1;
        if (braces > MAX_BRACES) return { line, message: BRACES };
        if (braceDepth === 0) braceStart = { line, offset: lineOffset + j };
        braceDepth += 1;
      } else if (c === "}" && braceDepth > 0) {
        braceDepth -= 1;
        continue;
      }
      if (braceDepth > 0) {
        if (lineOffset + j - braceStart.offset > MAX_BRACE_SPAN) return { line: braceStart.line, message: BRACES };
        continue;
      }
      if (c === "`") {
        let run = 1;
        while (text[j + run] === "`") run += 1;
        if (codeRun === 0) codeRun = run;
        else if (codeRun === run) codeRun = 0;
        j += run - 1;
        continue;
      }
      if (fenced || codeRun > 0) continue;
      if (c === "<") {
        const next = text[j + 1] ?? "";
        if (next === "/") elements = Math.max(0, elements - 1);
        else if (/[A-Za-z]/.test(next)) {
          elements += 1;
          if (elements > MAX_NESTING) return { line, message: `components are opened inside one another more than ${MAX_NESTING} levels deep here: close each one (</Tip>) before opening the next` };
        }
      } else if (c === "/" && text[j + 1] === ">") {
        elements = Math.max(0, elements - 1);
      }
    }
    if (braceDepth > 0 && offset - braceStart.offset > MAX_BRACE_SPAN) return { line: braceStart.line, message: BRACES };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * Stands in for acorn. The MDX grammar finds `{ … }` and import/export by their braces and
 * lines, and only then asks a JavaScript parser about their insides. Every one of them is refused
 * whatever it says, so none is parsed: an author's code never reaches a recursive parser, and
 * the tree still holds an mdxFlowExpression, mdxTextExpression, expression attribute or mdxjsEsm
 * node wherever mdx-bundler would see code (where acorn would have failed, mdx-bundler could not
 * compile at all).
 */
const noJavaScript = {
  parse: (value: string) => ({ type: "Program", start: 0, end: value.length, body: [], sourceType: "module", comments: [] }),
  parseExpressionAt: (value: string) => ({ type: "ObjectExpression", start: 0, end: value.length, properties: [] }),
};
type MdxOptions = NonNullable<Parameters<typeof mdxjs>[0]>;
const MDX = mdxjs({ acorn: noJavaScript as unknown as MdxOptions["acorn"], addResult: false });
const MDX_TREE = mdxFromMarkdown();

/** The parser's complaint in words an author can act on, with the line it names. */
function parseProblem(error: unknown): BodyProblem {
  const e = (error ?? {}) as { line?: number; place?: { line?: number; start?: { line?: number } }; reason?: string; message?: string };
  const reason = String(e.reason ?? e.message ?? "the text cannot be read").split("\n")[0] as string;
  // "Expected a closing tag for `<Tip>` (3:1-3:6)": the element to fix is the one it names.
  const unclosed = /^Expected a closing tag for `(<[^`]*>)` \((\d+):\d+-\d+:\d+\)/.exec(reason);
  if (unclosed) {
    const tag = unclosed[1] as string;
    return { line: Number(unclosed[2]), message: `MDX: ${tag} is never closed: add </${tag.slice(1).split(/[\s>]/)[0]}> on its own line, after a blank line` };
  }
  const line = e.place?.start?.line ?? e.place?.line ?? e.line ?? 1;
  const mismatched = /^Unexpected closing tag `(<\/[^`]*>)`, expected corresponding closing tag for `(<[^`]*>)`/.exec(reason);
  if (mismatched) return { line, message: `MDX: ${mismatched[1]} does not close ${mismatched[2]}: close components in the order you opened them` };
  if (/^Unexpected character `!` \(U\+0021\) before name/.test(reason)) return { line, message: "MDX: HTML comments (<!-- … -->) and other <! … > are not allowed: delete it" };
  let hint = "";
  if (/expression|brace/i.test(reason)) hint = ` (${BRACES})`;
  else if (/(before|in|after) (local )?name|attribute/.test(reason)) hint = " (a < starts a component; to write the character itself, write \\< )";
  // Positions in the parser's words are lines of the body, not of the file: leave them out.
  const said = reason.replace(/ \(note: [^)]*\)$/, "").replace(/ \(\d+:\d+(-\d+:\d+)?\)/g, "");
  return { line, message: `MDX: the lesson cannot be read here: ${said}${hint}` };
}

function describeTag(name: string | null | undefined): string {
  return name ? `<${name}>` : "<> (an empty tag)";
}

/**
 * Every reason the body may not be compiled, each with its file line (`bodyLine` is the line the
 * body starts on). Never throws; a pathological body is refused before it is parsed. At most
 * MAX_PROBLEMS are listed.
 */
export function checkLessonBody(body: string, options: { bodyLine: number; imageNames?: ReadonlySet<string> }): BodyProblem[] {
  const at = (line: number) => line + options.bodyLine - 1;
  const limit = rawLimits(body);
  if (limit) return [{ line: at(limit.line), message: limit.message }];

  let tree: Node;
  try {
    tree = fromMarkdown(body, { extensions: [MDX], mdastExtensions: [MDX_TREE] }) as Node;
  } catch (error) {
    const problem = parseProblem(error);
    return [{ line: at(problem.line), message: problem.message }];
  }

  const problems: BodyProblem[] = [];
  const add = (node: Node, message: string) => problems.push({ line: at(node.position?.start.line ?? 1), message });

  // Definitions first, so a picture written ![alt][name] is checked against the address it uses.
  const definitions = new Map<string, Node>();
  // Pre-order, without recursion; `nesting` counts the node itself when it is a list, quote or element.
  const pending: { node: Node; depth: number; nesting: number }[] = [{ node: tree, depth: 0, nesting: 0 }];
  const all: { node: Node; depth: number; nesting: number }[] = [];
  while (pending.length > 0) {
    const entry = pending.pop()!;
    all.push(entry);
    const { node, depth, nesting } = entry;
    if (node.type === "definition" && node.identifier !== undefined && !definitions.has(node.identifier)) definitions.set(node.identifier, node);
    if (depth > MAX_TREE_DEPTH || nesting > MAX_NESTING) continue;
    const children = node.children ?? [];
    for (let k = children.length - 1; k >= 0; k--) {
      const child = children[k] as Node;
      pending.push({ node: child, depth: depth + 1, nesting: nesting + (NESTS.has(child.type) ? 1 : 0) });
    }
  }

  for (const { node, depth, nesting } of all) {
    if (problems.length >= MAX_PROBLEMS) break;
    if (depth > MAX_TREE_DEPTH) {
      add(node, "formatting is nested too deeply here (emphasis inside emphasis…): simplify it");
      continue;
    }
    if (nesting > MAX_NESTING) {
      add(node, NESTED);
      continue;
    }
    switch (node.type) {
      case "mdxjsEsm":
        add(node, "import and export lines are code, which lessons may not contain: delete this line (the lesson components need no import)");
        break;
      case "mdxFlowExpression":
      case "mdxTextExpression":
        add(node, BRACES);
        break;
      case "mdxJsxFlowElement":
      case "mdxJsxTextElement": {
        const name = node.name ?? "";
        if (!COMPONENTS.has(name)) {
          add(node, `${describeTag(node.name)} is not allowed: a lesson may use only the components ${COMPONENT_LIST}, and no HTML`);
          break;
        }
        const allowed = ATTRIBUTES[name] ?? [];
        for (const attribute of node.attributes ?? []) {
          if (attribute.type !== "mdxJsxAttribute") add(node, `<${name} {…}>: ${BRACES}`);
          else if (!allowed.includes(attribute.name ?? "")) {
            add(node, allowed.length > 0 ? `<${name}> takes only ${allowed.join(", ")}: remove ${attribute.name}` : `<${name}> takes no attributes: remove ${attribute.name}`);
          } else if (typeof attribute.value !== "string") {
            add(node, attribute.value === null || attribute.value === undefined ? `<${name} ${attribute.name}>: give it plain text in quotes, ${attribute.name}="…"` : `<${name} ${attribute.name}={…}>: write it as plain text in quotes, ${attribute.name}="…"; ${BRACES}`);
          }
        }
        break;
      }
      case "html":
        add(node, "HTML is not allowed in lessons");
        break;
      case "link":
      case "definition": {
        const problem = urlProblem(node.url ?? "", "link");
        if (problem) add(node, problem);
        break;
      }
      case "image":
      case "imageReference": {
        const target = node.type === "image" ? node : node.identifier !== undefined ? definitions.get(node.identifier) : undefined;
        const problem = target ? urlProblem(target.url ?? "", "image", options.imageNames) : null;
        if (problem) add(node, problem);
        if (!node.alt?.trim()) add(node, "a picture needs alt text that says what it shows: ![what it shows](images/name.png)");
        break;
      }
    }
  }
  if (problems.length >= MAX_PROBLEMS) {
    problems.length = MAX_PROBLEMS;
    problems.push({ line: problems[MAX_PROBLEMS - 1]!.line, message: `more problems follow; fix these ${MAX_PROBLEMS} first` });
  }
  return problems;
}
