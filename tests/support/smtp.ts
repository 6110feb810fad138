// A real SMTP server in the test process (smtp-server), recording every message it accepts,
// parsed with mailparser. It can answer the next messages with a 4xx or 5xx reply, or be stopped
// and started again on the same port, as a mail server that goes away would.
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Map<string, string>;
  parsed: ParsedMail;
}

export interface TestSmtp {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedMail[];
  /** Answer every message with this reply ("451 Try again later", "550 No such user") until cleared with null. */
  failWith(reply: string | null): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  let failure: string | null = null;
  let port = 0;
  const make = () =>
    new SMTPServer({
      disabledCommands: ["STARTTLS"],
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          if (failure) {
            const [code, ...words] = failure.split(" ");
            const error = new Error(words.join(" ")) as Error & { responseCode: number };
            error.responseCode = Number(code);
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks);
          simpleParser(raw)
            .then((parsed) => {
              const headers = new Map<string, string>();
              for (const line of parsed.headerLines) headers.set(line.key, line.line.slice(line.line.indexOf(":") + 1).trim());
              received.push({
                to: session.envelope.rcptTo.map((r) => r.address),
                subject: parsed.subject ?? "",
                text: parsed.text ?? "",
                html: typeof parsed.html === "string" ? parsed.html : "",
                headers,
                parsed,
              });
              callback();
            })
            .catch((error: Error) => callback(error));
        });
      },
    });
  let server: SMTPServer | null = null;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = make();
      s.on("error", () => undefined);
      s.server.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        const address = s.server.address();
        if (address && typeof address === "object") port = address.port;
        server = s;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = null;
      if (!s) return resolve();
      s.close(() => resolve());
    });
  await listen();
  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    received,
    failWith(reply) {
      failure = reply;
    },
    stop,
    start: listen,
    close: stop,
  };
}
