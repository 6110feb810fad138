// Lesson bodies a hostile author might write. Each would run code, reach the network, put script
// into a learner's page or blow up the parser if it got through; each must be refused, naming
// `line` (the line of the body, as the studio's text box numbers it). "CANARY" is replaced by a
// file path the test watches: the payloads that run code would create it or end the process.
export interface HostileBody {
  name: string;
  body: string;
  line: number;
}

const at3 = (name: string, payload: string): HostileBody => ({ name, body: `A calm first paragraph.\n\n${payload}\n\nA closing line.\n`, line: 3 });

export const HOSTILE_BODIES: HostileBody[] = [
  at3("an expression that writes a file", "{require('fs').writeFileSync('CANARY', 'ran')}"),
  at3("an expression that exits", "{process.exit(1)}"),
  at3("an inline expression", "Text {globalThis.process.exit(1)} more text."),
  at3("an import", "import fs from 'fs'"),
  at3("an export that runs at load", "export const x = require('fs').writeFileSync('CANARY', 'ran')"),
  at3("a script element", "<script>fetch('https://evil.example')</script>"),
  at3("an iframe", '<iframe src="https://evil.example"></iframe>'),
  at3("a style element", "<style>body { display: none }</style>"),
  at3("an image element", '<img src="x" onerror="alert(1)" />'),
  at3("a plain div", "<div>hello</div>"),
  at3("a fragment", "<>hello</>"),
  at3("a member element", "<a.b>hello</a.b>"),
  at3("an event handler on a component", '<Tip onClick="alert(1)">\n\nhi\n\n</Tip>'),
  at3("dangerouslySetInnerHTML", '<Tip dangerouslySetInnerHTML="x">\n\nhi\n\n</Tip>'),
  at3("an expression attribute", "<Scenario title={process.exit(1)}>\n\nhi\n\n</Scenario>"),
  at3("a spread attribute", "<Scenario {...globalThis}>\n\nhi\n\n</Scenario>"),
  at3("a style attribute", '<Scenario style="color: red">\n\nhi\n\n</Scenario>'),
  at3("a javascript: link", "[click](javascript:alert(1))"),
  at3("a JavaScript: link in capitals", "[click](JavaScript:alert(1))"),
  at3("an entity-encoded javascript: link", "[click](&#106;avascript:alert(1))"),
  at3("a tab inside the scheme", "[click](java&#x09;script:alert(1))"),
  at3("a vbscript: link", "[click](vbscript:msgbox)"),
  at3("a data: link", "[click](data:text/html,<script>alert(1)</script>)"),
  at3("a file: link", "[click](file:///etc/passwd)"),
  at3("a protocol-relative link", "[click](//evil.example/x)"),
  at3("an autolink to javascript:", "<javascript:alert(1)>"),
  at3("a data: image", "![a picture](data:image/png;base64,AAAA)"),
  at3("a picture from another site over http", "![a picture](http://evil.example/x.png)"),
  at3("a picture with no alt text", "![](images/desk.png)"),
  at3("a picture outside the lesson", "![a picture](../../etc/passwd)"),
  { name: "a reference definition to javascript:", body: "A calm first paragraph.\n\n[click][x]\n\n[x]: javascript:alert(1)\n", line: 5 },
  at3("an HTML comment", "<!-- a comment -->"),
  at3("an unclosed component", "<Tip>\n\nhi"),
  { name: "a thousand nested quotes", body: `A calm first paragraph.\n\n${">".repeat(1000)} deep\n`, line: 3 },
  { name: "deeply nested components", body: `A calm first paragraph.\n\n${"<Tip>\n\n".repeat(40)}x\n`, line: 27 },
  { name: "a body far too long", body: `A calm first paragraph.\n\n${"word ".repeat(20_000)}\n`, line: 1 },
];
