// Plain HTTP the way a browser without JavaScript talks to DeskCoach: form posts with same-site
// headers, redirects not followed, the session cookie carried by hand.
import type { CatalogLesson } from "#app/models/catalog.server.ts";
import { sameSite } from "#tests/support/trust-practice.ts";

export interface Answer {
  status: number;
  location: string | null;
  body: string;
}

export type FormFields = [string, string][];

async function answer(response: Response): Promise<Answer> {
  // The status line is the answer; a body cut off by a dying server does not take it back.
  const body = await response.text().catch(() => "");
  return { status: response.status, location: response.headers.get("location"), body };
}

export async function postForm(baseUrl: string, path: string, fields: FormFields, cookie?: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...sameSite(baseUrl),
      "content-type": "application/x-www-form-urlencoded",
      ...(cookie ? { cookie } : {}),
    },
    body: new URLSearchParams(fields).toString(),
  });
  return answer(response);
}

export async function getPage(baseUrl: string, path: string, cookie?: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}${path}`, { redirect: "manual", headers: cookie ? { cookie } : {} });
  return answer(response);
}

/** Signs in through the real form and returns the session cookie (name=value). */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { ...sameSite(baseUrl), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password }).toString(),
  });
  await response.body?.cancel();
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0] as string)
    .find((c) => c.startsWith("deskcoach_session=") && c.length > "deskcoach_session=".length);
  if (response.status !== 302 || !cookie) throw new Error(`Sign-in as ${email} answered ${response.status} without a session`);
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
