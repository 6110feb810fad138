// The gate before any lesson body is compiled. MDX compiles to JavaScript that runs in the server,
// so a body written in the studio (or imported) is hostile until it passes: it is parsed, never
// compiled, and refused with the line of anything that is not plain Markdown or one of the
// lesson components with plain text attributes. Every lesson, built-in or authored, goes through
// it (checkLesson). The rules are listed in content/README.md and docs/security.md.
import { fromMarkdown } from "mdast-util-from-markdown";
import { mdxFromMarkdown } from "mdast-util-mdx";
import { mdxjs } from "micromark-extension-mdxjs";
import { LESSON_COMPONENTS } from "./content-schema.server.ts";

export interface BodyProblem {
  line: number;
  message: string;
}

export const MAX_BODY_CHARS = 60_000;
export const MAX_BODY_LINES = 2_000;
export const MAX_NESTING = 12;

/** Attributes each component takes: only Scenario's title, as plain text. */
const ATTRIBUTES: Record<string, readonly string[]> = { Scenario: ["title"] };
const COMPONENTS = new Set<string>(LESSON_COMPONENTS);
const IMAGE_FILE = /^images\/([a-z0-9][a-z0-9-]*\.(?:png|jpg|webp))$/;

interface Node {
  type: string;
  name?: string | null;
  url?: string;
  alt?: string | null;
  attributes?: { type: string; name?: string; value?: unknown }[];
  children?: Node[];
  position?: { start: { line: number } };
}

/**
 * Whether a link or picture address may appear in a lesson. Decided on the address as a browser
 * would read it (control characters and whitespace removed, case folded), by allow-list:
 * https:, mailto:, tel: and relative paths for links; https: and the lesson's own pictures
 * (`images/<name>`) for pictures.
 */
export function safeUrl(url: string, kind: "link" | "image", imageNames?: ReadonlySet<string>): string | null {
  // eslint-disable-next-line no-control-regex
  const folded = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, "").toLowerCase();
  if (folded.startsWith("//") || folded.startsWith("\\\\") || folded.startsWith("/\\")) return "an address starting with // leaves the site; write https:// in full";
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(folded)?.[1];
  if (kind === "image") {
    if (scheme === "https") return null;
    if (scheme) return `a picture must be one of the lesson's own (images/<name>) or an https:// address, not ${scheme}:`;
    const name = IMAGE_FILE.exec(url.trim())?.[1];
    if (!name) return "a picture must be one of the lesson's own, written images/<name>.png, .jpg or .webp";
    if (imageNames && !imageNames.has(name)) return `there is no picture named ${name}: upload it first`;
    return null;
  }
  if (!scheme) return /%[0-9a-f]{2}/i.test(folded) && /^[^/?#]*%/.test(folded) ? "an encoded address is not allowed; write it plainly" : null;
  return scheme === "https" || scheme === "mailto" || scheme === "tel" ? null : `links may be https:, mailto: or tel:, not ${scheme}:`;
}

/** Nesting in the raw text, measured before the parser sees it: block quotes, list indents, tags. */
function rawNesting(body: string): BodyProblem | null {
  const lines = body.split("\n");
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const quotes = /^(\s*>)+/.exec(line)?.[0].split(">").length ?? 1;
    const indent = /^ */.exec(line)?.[0].length ?? 0;
    if (quotes - 1 > MAX_NESTING || indent > MAX_NESTING * 4) return { line: i + 1, message: `nested more than ${MAX_NESTING} levels deep` };
    for (const m of line.matchAll(/<(\/?)[A-Za-z]/g)) {
      depth += m[1] ? -1 : 1;
      if (depth > MAX_NESTING) return { line: i + 1, message: `components nested more than ${MAX_NESTING} levels deep` };
    }
    if (/\/>/.test(line)) depth -= (line.match(/\/>/g) ?? []).length;
    if ((line.match(/\[/g) ?? []).length > 200) return { line: i + 1, message: "too many brackets on one line" };
  }
  return null;
}

/**
 * Every reason the body may not be compiled, with its file line (`bodyLine` is the line the body
 * starts on). Never throws; a pathological body is refused before it is parsed.
 */
export function checkLessonBody(body: string, options: { bodyLine: number; imageNames?: ReadonlySet<string> }): BodyProblem[] {
  const at = (line: number) => line + options.bodyLine - 1;
  if (body.length > MAX_BODY_CHARS) return [{ line: options.bodyLine, message: `the lesson is ${body.length.toLocaleString("en-US")} characters; the limit is ${MAX_BODY_CHARS.toLocaleString("en-US")}` }];
  const lineCount = body.split("\n").length;
  if (lineCount > MAX_BODY_LINES) return [{ line: options.bodyLine, message: `the lesson has ${lineCount} lines; the limit is ${MAX_BODY_LINES}` }];
  const nested = rawNesting(body);
  if (nested) return [{ line: at(nested.line), message: nested.message }];

  let tree: Node;
  try {
    tree = fromMarkdown(body, { extensions: [mdxjs()], mdastExtensions: [mdxFromMarkdown()] }) as Node;
  } catch (error) {
    const e = error as { line?: number; place?: { line?: number; start?: { line?: number } }; reason?: string; message?: string };
    const reason = (e.reason ?? e.message ?? "cannot be read").split("\n")[0] as string;
    // The parser names the element it could not close as "(line:column-line:column)": that is the line to fix.
    const named = /\((\d+):\d+-\d+:\d+\)/.exec(reason)?.[1];
    const line = named ? Number(named) : (e.place?.start?.line ?? e.place?.line ?? e.line ?? 1);
    return [{ line: at(line), message: `MDX: ${reason}${/`<!`|comment/i.test(reason) ? " (HTML comments are not allowed)" : ""}` }];
  }

  const problems: BodyProblem[] = [];
  const add = (node: Node, message: string) => problems.push({ line: at(node.position?.start.line ?? 1), message });
  const walk = (node: Node, depth: number) => {
    if (depth > MAX_NESTING * 2) return add(node, `nested more than ${MAX_NESTING} levels deep`);
    switch (node.type) {
      case "mdxjsEsm":
        add(node, "imports and exports are not allowed in lessons");
        return;
      case "mdxFlowExpression":
      case "mdxTextExpression":
        add(node, "{ } braces are code, which lessons may not contain; write the words without braces");
        return;
      case "mdxJsxFlowElement":
      case "mdxJsxTextElement": {
        const name = node.name ?? "";
        if (!COMPONENTS.has(name)) {
          add(node, `<${name || ">"}> is not allowed: use only ${LESSON_COMPONENTS.join(", ")} (no HTML)`);
          return;
        }
        for (const attribute of node.attributes ?? []) {
          if (attribute.type !== "mdxJsxAttribute") add(node, `<${name}>: { } in a component is code, which lessons may not contain`);
          else if (!(ATTRIBUTES[name] ?? []).includes(attribute.name ?? "")) add(node, `<${name}> does not take "${attribute.name}"${ATTRIBUTES[name] ? ` (only ${ATTRIBUTES[name].join(", ")})` : ""}`);
          else if (typeof attribute.value !== "string") add(node, `<${name} ${attribute.name}>: write the value as plain text in quotes`);
        }
        break;
      }
      case "html":
        add(node, "HTML is not allowed in lessons");
        return;
      case "link":
      case "definition": {
        const problem = safeUrl(node.url ?? "", "link");
        if (problem) add(node, problem);
        break;
      }
      case "image":
      case "imageReference": {
        if (node.type === "image") {
          const problem = safeUrl(node.url ?? "", "image", options.imageNames);
          if (problem) add(node, problem);
        }
        if (!node.alt?.trim()) add(node, "a picture needs alt text that says what it shows: ![what it shows](images/name.png)");
        break;
      }
    }
    for (const child of node.children ?? []) walk(child, depth + 1);
  };
  walk(tree, 0);
  return problems;
}
