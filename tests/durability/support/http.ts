// Plain HTTP the way a browser without JavaScript talks to DeskCoach: form posts with same-site
// headers, redirects not followed, the session cookie carried by hand.
import http from "node:http";
import type { CatalogLesson } from "#app/models/catalog.server.ts";
import { sameSite } from "#tests/support/trust-practice.ts";

export interface Answer {
  status: number;
  location: string | null;
  body: string;
  cookies: string[];
  headers: http.IncomingHttpHeaders;
}

export type FormFields = [string, string][];

// node:http rather than fetch: a round sends thousands of forms on a machine whose two cores the
// server also needs, and fetch costs several times the CPU per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function send(method: "GET" | "POST", baseUrl: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${path}`, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      // The status line is the answer; a body cut off by a dying server does not take it back.
      const done = () =>
        resolve({
          status: response.statusCode ?? 0,
          location: response.headers.location ?? null,
          body: Buffer.concat(chunks).toString("utf8"),
          cookies: response.headers["set-cookie"] ?? [],
          headers: response.headers,
        });
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", done);
      response.on("error", done);
      response.on("aborted", done);
    });
    request.on("error", reject);
    request.end(body);
  });
}

export function postForm(baseUrl: string, path: string, fields: FormFields, cookie?: string): Promise<Answer> {
  const body = new URLSearchParams(fields).toString();
  return send("POST", baseUrl, path, {
    ...sameSite(baseUrl),
    "content-type": "application/x-www-form-urlencoded",
    "content-length": String(Buffer.byteLength(body)),
    ...(cookie ? { cookie } : {}),
  }, body);
}

export function getPage(baseUrl: string, path: string, cookie?: string): Promise<Answer> {
  return send("GET", baseUrl, path, cookie ? { cookie } : {});
}

/** Signs in through the real form and returns the session cookie (name=value). */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const answer = await postForm(baseUrl, "/login", [
    ["email", email],
    ["password", password],
  ]);
  const cookie = answer.cookies
    .map((c) => c.split(";")[0] as string)
    .find((c) => c.startsWith("deskcoach_session=") && c.length > "deskcoach_session=".length);
  if (answer.status !== 302 || !cookie) throw new Error(`Sign-in as ${email} answered ${answer.status} without a session`);
  return cookie;
}

/** The id an answer redirects to, when it is the page of a stored attempt. */
export function attemptIdFrom(answer: Answer): number | null {
  if (answer.status !== 302 || !answer.location) return null;
  const match = /^\/attempts\/(\d+)$/.exec(answer.location);
  return match ? Number(match[1]) : null;
}

/**
 * A quiz submission as the lesson page's form sends it: the answers (right ones when `pass`,
 * a wrong choice for every question otherwise), the form's request id, and `tracked=1` (reading
 * time reported separately, so the submission is the quiz alone).
 */
export function quizForm(lesson: CatalogLesson, requestId: string, pass: boolean): FormFields {
  if (!lesson.quiz) throw new Error(`${lesson.slug} has no quiz`);
  const fields: FormFields = [
    ["intent", "submit"],
    ["requestId", requestId],
    ["tracked", "1"],
  ];
  for (const q of lesson.quiz.questions) {
    const right = q.choices.filter((c) => c.correct);
    const wrong = q.choices.filter((c) => !c.correct);
    const chosen = pass || wrong.length === 0 ? right : wrong.slice(0, 1);
    for (const c of chosen) fields.push([`q.${q.id}`, c.id]);
  }
  return fields;
}
