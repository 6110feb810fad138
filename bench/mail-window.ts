// The `mail-window` scenario: how long a message is in the one window where a crash sends it twice
// (docs/decisions/0019-email-outbox.md): from the SMTP server's acceptance (its 250 reply to the end
// of DATA) until the sender's UPDATE marking it sent has committed.
//
// A real SMTP server (smtp-server) in this process accepts BENCH_MAIL_WINDOW_MESSAGES messages
// (1,000) that the product's sender (sendDue, one pooled nodemailer connection) delivers from a
// SQLite outbox with the product's pragmas (synchronous=FULL: the mark is on disk when it returns).
// For each message: the moment the server hands its 250 to the socket, and the moment the UPDATE
// of that message returned. Messages go one at a time, so the k-th acceptance is the k-th mark.
// The server shares this process's event loop with the sender, so each window includes one turn
// of it; a mail server across a network adds its round trip's return half.
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";
import { SMTPServer } from "smtp-server";
import { enqueue } from "#app/models/mail/outbox.server.ts";
import { createMailTransport, sendDue } from "#app/models/mail/sender.server.ts";
import { openDatabase } from "#db/connection.ts";
import { seedPractice } from "./lib/seed.ts";

export interface MailWindowResult {
  messages: number;
  accepted: number;
  marked: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Messages a second through the whole sender: what a crash at a random moment is weighed by. */
  messagesPerSecond: number;
  /** The share of the sending time spent inside the window: the chance a crash mid-batch doubles one. */
  shareInWindow: number;
}

/** Times each UPDATE of mail_message as it returns. */
class MarkTimes implements KyselyPlugin {
  readonly times: number[] = [];
  readonly #updates = new WeakSet<object>();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (node.kind === "UpdateQueryNode" && JSON.stringify(node.table).includes('"mail_message"')) this.#updates.add(args.queryId);
    return node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.#updates.has(args.queryId)) this.times.push(performance.now());
    return args.result;
  }
}

export async function measureMailWindow(options: { root: string; tmp: string; messages: number; log: (line: string) => void }): Promise<MailWindowResult> {
  const practice = await seedPractice(openDatabase(path.join(options.tmp, "mail-window.sqlite")), {
    employees: 10,
    years: 1,
    now: new Date(),
    contentDir: path.join(options.root, "content"),
    randomSeed: 20261206,
  });
  const person = practice.staff[0];
  if (!person) throw new Error("The mail-window practice has no staff");
  const accepted: number[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    logger: false,
    onData(stream, _session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => {
        accepted.push(performance.now());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = address && typeof address === "object" ? address.port : 0;
  const transport = createMailTransport(`smtp://127.0.0.1:${port}`);
  const marks = new MarkTimes();
  try {
    const now = new Date();
    // One person, one message a day for `messages` days: each its own idempotency key.
    const messages = Array.from({ length: options.messages }, (_, i) => ({
      userId: person.id,
      to: "window@bench.test",
      kind: "staff-reminder",
      localDate: new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10),
      subject: "Training due soon: 1 item on DeskCoach",
      text: "Hello,\n\nDue in the next 3 days:\n- A lesson (due Jan 3)\n\nStop these reminders: {{unsubscribe-url}}\n",
      html: '<p>Hello,</p><ul><li>A lesson (due Jan 3)</li></ul><p><a href="{{unsubscribe-url}}">Stop these reminders</a></p>',
    }));
    await practice.connection.db.transaction().execute((trx) => enqueue(trx, messages, { now, emailSetUp: true }));
    const db = practice.connection.db.withPlugin(marks);
    const started = performance.now();
    const result = await sendDue(db, { transport, from: "DeskCoach <bench@bench.test>", origin: "https://deskcoach.bench.test", clock: { now: () => new Date() }, limit: options.messages });
    const seconds = (performance.now() - started) / 1000;
    if (result.sent !== options.messages || accepted.length !== options.messages || marks.times.length !== options.messages) {
      throw new Error(`Sent ${result.sent}, accepted ${accepted.length}, marked ${marks.times.length} of ${options.messages}`);
    }
    const windows = accepted.map((at, i) => (marks.times[i] as number) - at).sort((a, b) => a - b);
    if (windows[0] !== undefined && windows[0] < 0) throw new Error("A message was marked before the server accepted it: the pairing is wrong");
    const at = (p: number) => windows[Math.min(windows.length - 1, Math.floor((p / 100) * windows.length))] ?? 0;
    const total = windows.reduce((sum, w) => sum + w, 0);
    const out: MailWindowResult = {
      messages: options.messages,
      accepted: accepted.length,
      marked: marks.times.length,
      p50Ms: Number(at(50).toFixed(3)),
      p99Ms: Number(at(99).toFixed(3)),
      maxMs: Number((windows.at(-1) ?? 0).toFixed(3)),
      messagesPerSecond: Number((options.messages / seconds).toFixed(0)),
      shareInWindow: Number((total / (seconds * 1000)).toFixed(4)),
    };
    options.log(
      `  mail-window: ${out.messages} messages at ${out.messagesPerSecond}/s; accepted-to-marked p50 ${out.p50Ms} ms, p99 ${out.p99Ms} ms, max ${out.maxMs} ms; ${(out.shareInWindow * 100).toFixed(1)}% of the sending time inside the window`,
    );
    return out;
  } finally {
    transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await practice.connection.close();
  }
}
