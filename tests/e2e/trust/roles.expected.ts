// Who may do what, route by route: the reviewed answer of every route to every kind of visitor.
// roles.spec.ts asks the running production build and compares. A route the build serves that is
// missing here fails the test, so a new route cannot ship without someone deciding who may use it.
//
// Answers: a status (200, 400, 403, 404, 405), or "302 /path" for a redirect (only the path of
// the target is compared). Data requests (single fetch, `<path>.data?_routes=<route id>`) answer
// a redirect as "202 /path": Remix sends it as data for the client router to follow.
//
// The requests:
// - get:  the page as a browser opens it;
// - data: the route's own loader alone, as the client router fetches it (a child route must
//         guard itself, not lean on its layout's loader);
// - post: a form post with no fields, from the app's own origin. Whoever may use the action gets
//         a validation answer (400), everyone else the answer they get on the page.
import type { Actor, TrustIds } from "#tests/support/trust-practice.ts";

export type Answer = 200 | 204 | 400 | 403 | 404 | 405 | `${302 | 202} /${string}`;
export type Answers = Record<Actor, Answer>;

export interface RouteExpectation {
  /** Values for the pattern's params, from the seeded practice. */
  params?: (ids: TrustIds & { lessonSlug: string }) => Record<string, string>;
  /** A query string the page needs to answer at all (CSV exports pick a table). */
  query?: string;
  get: Answers;
  data: Answers;
  post: Answers;
}

// Signed out, or holding the session of an account deactivated since: off to sign in. A
// deactivated account's session gets nothing a stranger would not.
const SIGN_IN = "302 /login";
const SIGN_IN_DATA = "202 /login";

const everyone = (answer: Answer): Answers => ({
  anonymous: answer,
  deactivated: answer,
  staff: answer,
  manager: answer,
  scoped: answer,
  owner: answer,
});

/** Any signed-in person; `answer` for them, sign-in for the rest. */
const signedIn = (answer: Answer, data = false): Answers => {
  const out = data ? SIGN_IN_DATA : SIGN_IN;
  return { anonymous: out, deactivated: out, staff: answer, manager: answer, scoped: answer, owner: answer };
};

/** Managers (scoped or not) and the owner; staff are refused. */
const managers = (answer: Answer, data = false): Answers => ({ ...signedIn(answer, data), staff: 403 });

/** The owner only. With the demo's settings managers may not see or record training money. */
const ownerOnly = (answer: Answer, data = false): Answers => ({ ...signedIn(403, data), owner: answer });

/** No action: a post answers 405 to everyone, before any guard runs, and changes nothing. */
const NO_ACTION = everyone(405);

export const EXPECTED: Record<string, RouteExpectation> = {
  // The shell of every page: who is signed in (their own name only). "/" itself is the index.
  root: {
    get: { ...signedIn("302 /manage"), staff: "302 /learn" },
    data: everyone(200),
    post: NO_ACTION,
  },
  "routes/_index": {
    get: { ...signedIn("302 /manage"), staff: "302 /learn" },
    data: { ...signedIn("202 /manage", true), staff: "202 /learn" },
    post: NO_ACTION,
  },
  // A page that says "DeskCoach is running" and nothing else, for the benchmark.
  "routes/bench.trivial": { get: everyone(200), data: everyone(200), post: NO_ACTION },
  "routes/healthz": { get: everyone(200), data: everyone(200), post: NO_ACTION },
  // Any address no route claims: "Page not found" for everyone, whatever the method.
  "routes/$": { params: () => ({ "*": "no-such-page" }), get: everyone(404), data: everyone(404), post: everyone(404) },
  // Public by design: the token is the key (decision 0004).
  // Public by design: the link in a reminder is the key; opening it changes nothing, a POST with
  // anything but the one-click body is refused (400).
  "routes/unsubscribe.$token": {
    params: (ids) => ({ token: ids.unsubscribeToken }),
    get: everyone(200),
    data: everyone(200),
    post: everyone(400),
  },
  "routes/certificates.$token": {
    params: (ids) => ({ token: ids.certificateToken }),
    get: everyone(200),
    data: everyone(200),
    post: NO_ACTION,
  },

  // Signing in and out.
  "routes/login": {
    get: { ...everyone("302 /"), anonymous: 200, deactivated: 200 },
    data: { ...everyone("202 /"), anonymous: 200, deactivated: 200 },
    post: { ...everyone("302 /"), anonymous: 400, deactivated: 400 },
  },
  "routes/login_.code": {
    get: { ...everyone("302 /"), anonymous: 200, deactivated: 200 },
    data: { ...everyone("202 /"), anonymous: 200, deactivated: 200 },
    post: { ...everyone("302 /"), anonymous: 400, deactivated: 400 },
  },
  // Asking for a reset link by email: for signed-out people, like the other sign-in forms.
  "routes/login_.forgot": {
    get: { ...everyone("302 /"), anonymous: 200, deactivated: 200 },
    data: { ...everyone("202 /"), anonymous: 200, deactivated: 200 },
    post: { ...everyone("302 /"), anonymous: 400, deactivated: 400 },
  },
  // Public by design: the link in a reset email is the key; opening it changes nothing, and an
  // empty form is refused (400) without spending it.
  "routes/login_.reset.$token": {
    params: (ids) => ({ token: ids.passwordResetToken }),
    get: { ...everyone("302 /"), anonymous: 200, deactivated: 200 },
    data: { ...everyone("202 /"), anonymous: 200, deactivated: 200 },
    post: { ...everyone("302 /"), anonymous: 400, deactivated: 400 },
  },
  // Sign-out is a post; a GET changes nothing. The post runs last (it ends the session).
  "routes/logout": { get: everyone("302 /"), data: everyone("202 /"), post: everyone("302 /login") },
  // Answers 404 once the practice exists, to everyone.
  "routes/setup": { get: everyone(404), data: everyone(404), post: everyone(404) },

  // A learner's own things.
  "routes/learn": { get: signedIn(200), data: signedIn(200, true), post: signedIn(400) },
  "routes/progress": { get: signedIn(200), data: signedIn(200, true), post: signedIn(400) },
  "routes/outside-learning": { get: signedIn(200), data: signedIn(200, true), post: signedIn(400) },
  "routes/lessons.$slug": {
    params: (ids) => ({ slug: ids.lessonSlug }),
    get: signedIn(200),
    data: signedIn(200, true),
    post: signedIn(400),
  },
  // Reading-time heartbeats: post only.
  "routes/lessons.$slug.time": {
    params: (ids) => ({ slug: ids.lessonSlug }),
    get: everyone(404),
    data: everyone(404),
    post: signedIn(400),
  },
  // Maria's attempt: hers alone. Anyone else, a manager included, is told it does not exist.
  "routes/attempts.$id": {
    params: (ids) => ({ id: String(ids.attempts.maria) }),
    get: { ...signedIn(404), staff: 200 },
    data: { ...signedIn(404, true), staff: 200 },
    post: NO_ACTION,
  },

  // Managing the team. The Riverside-scoped manager sees only Riverside.
  "routes/manage": {
    get: managers("302 /manage/progress"),
    data: managers("202 /manage/progress", true),
    post: NO_ACTION,
  },
  "routes/manage.progress": { get: managers(200), data: managers(200, true), post: NO_ACTION },
  "routes/manage.progress[.]csv": { get: managers(200), data: managers(200, true), post: NO_ACTION },
  "routes/manage.completion": { get: managers(200), data: managers(200, true), post: NO_ACTION },
  "routes/manage.completion[.]csv": { query: "table=module", get: managers(200), data: managers(200, true), post: NO_ACTION },
  "routes/manage.assignments": { get: managers(200), data: managers(200, true), post: managers(400) },
  "routes/manage.team": { get: managers(200), data: managers(200, true), post: managers(400) },
  "routes/manage.team_.import": { get: managers(200), data: managers(200, true), post: managers(400) },
  "routes/manage.feedback": { get: managers(200), data: managers(200, true), post: managers(400) },
  "routes/manage.feedback_.import": { get: managers(200), data: managers(200, true), post: managers(400) },
  "routes/manage.feedback_.items": { get: managers(200), data: managers(200, true), post: managers(400) },
  "routes/manage.goal": { get: managers(200), data: managers(200, true), post: managers(400) },
  // Email: everyone who manages sees the settings, the preview and the outbox (a manager of one
  // location, their location's people only); only the owner and managers of the whole practice
  // change the settings.
  "routes/manage.reminders": { get: managers(200), data: managers(200, true), post: managers(400) },
  // Maria works at Maple Street: outside the scoped manager's reach, so not there at all for them.
  "routes/manage.people.$id": {
    params: (ids) => ({ id: String(ids.users.maria) }),
    get: { ...managers(200), scoped: 404 },
    data: { ...managers(200, true), scoped: 404 },
    post: { ...managers(400), scoped: 404 },
  },
  "routes/manage.people.$id.export[.]csv": {
    params: (ids) => ({ id: String(ids.users.maria) }),
    get: { ...managers(200), scoped: 404 },
    data: { ...managers(200, true), scoped: 404 },
    post: NO_ACTION,
  },

  // The lesson studio. The draft lesson is the practice-wide manager's: to a manager scoped to one
  // location, anyone else's draft (its editor, preview, versions and pictures) does not exist.
  "routes/manage.studio": { get: managers(200), data: managers(200, true), post: managers(400) },
  "routes/manage.studio_.modules.$id": {
    params: (ids) => ({ id: String(ids.studio.moduleId) }),
    get: managers(200),
    data: managers(200, true),
    post: managers(400),
  },
  "routes/manage.studio_.import": { get: managers(200), data: managers(200, true), post: managers(400) },
  // The module's folder, zipped: each manager gets what they may open (a scoped manager, without
  // anyone else's drafts).
  "routes/manage.studio_.modules.$id_.export[.]zip": {
    params: (ids) => ({ id: String(ids.studio.moduleId) }),
    get: managers(200),
    data: managers(200, true),
    post: NO_ACTION,
  },
  "routes/manage.studio_.lessons.$id": {
    params: (ids) => ({ id: String(ids.studio.lessonId) }),
    get: { ...managers(200), scoped: 404 },
    data: { ...managers(200, true), scoped: 404 },
    post: { ...managers(400), scoped: 404 },
  },
  "routes/manage.studio_.lessons.$id_.preview": {
    params: (ids) => ({ id: String(ids.studio.lessonId) }),
    get: { ...managers(200), scoped: 404 },
    data: { ...managers(200, true), scoped: 404 },
    post: NO_ACTION,
  },
  "routes/manage.studio_.lessons.$id_.versions": {
    params: (ids) => ({ id: String(ids.studio.lessonId) }),
    get: { ...managers(200), scoped: 404 },
    data: { ...managers(200, true), scoped: 404 },
    post: NO_ACTION,
  },
  "routes/manage.studio_.lessons.$id_.images.$name": {
    params: (ids) => ({ id: String(ids.studio.lessonId), name: ids.studio.imageName }),
    get: { ...managers(200), scoped: 404 },
    data: { ...managers(200, true), scoped: 404 },
    post: NO_ACTION,
  },
  // A library lesson's pictures: the built-in lessons have none, so 404 to anyone signed in.
  "routes/lessons.$slug.images.$name": {
    params: (ids) => ({ slug: ids.lessonSlug, name: "nothing-here.png" }),
    get: signedIn(404),
    data: signedIn(404, true),
    post: NO_ACTION,
  },

  // Training money. The layout only shows links (none, for a manager without the money settings).
  "routes/owner": { get: managers(200), data: managers(200, true), post: NO_ACTION },
  "routes/owner.reports": { get: ownerOnly(200), data: ownerOnly(200, true), post: NO_ACTION },
  "routes/owner.reports[.]csv": { query: "table=budget", get: ownerOnly(200), data: ownerOnly(200, true), post: NO_ACTION },
  "routes/owner.summary": { get: ownerOnly(200), data: ownerOnly(200, true), post: NO_ACTION },
  "routes/owner.planner": { get: ownerOnly(200), data: ownerOnly(200, true), post: NO_ACTION },
  "routes/owner.budget": { get: ownerOnly(200), data: ownerOnly(200, true), post: ownerOnly(400) },
  "routes/owner.spend": { get: ownerOnly(200), data: ownerOnly(200, true), post: ownerOnly(400) },
  "routes/owner.spend_.import": { get: ownerOnly(200), data: ownerOnly(200, true), post: ownerOnly(400) },
  // An expense's own address: to anyone signed in without the money settings it does not exist.
  // Staff opening the page meet the owner area's layout first, which refuses them all of it.
  "routes/owner.spend_.$id": {
    params: (ids) => ({ id: String(ids.expenseId) }),
    get: { ...ownerOnly(200), staff: 403, manager: 404, scoped: 404 },
    data: { ...ownerOnly(200, true), staff: 404, manager: 404, scoped: 404 },
    post: { ...ownerOnly(400), staff: 404, manager: 404, scoped: 404 },
  },
  // Outcomes: the money pages' access (a manager with the owner's grant to see costs; with the demo's
  // settings, the owner only). The owner alone sets the values, so the page's post is the owner's.
  "routes/owner.outcomes": { get: ownerOnly(200), data: ownerOnly(200, true), post: ownerOnly(400) },
  "routes/owner.outcomes[.]csv": { query: "table=figures", get: ownerOnly(200), data: ownerOnly(200, true), post: NO_ACTION },
  "routes/owner.outcomes_.entry": { get: ownerOnly(200), data: ownerOnly(200, true), post: ownerOnly(400) },
  "routes/owner.outcomes_.import": { get: ownerOnly(200), data: ownerOnly(200, true), post: ownerOnly(400) },
  // A month's figures at their own address: as an expense's, not there for anyone without the grant.
  "routes/owner.outcomes_.$id": {
    params: (ids) => ({ id: String(ids.outcomes.maple) }),
    get: { ...ownerOnly(200), staff: 403, manager: 404, scoped: 404 },
    data: { ...ownerOnly(200, true), staff: 404, manager: 404, scoped: 404 },
    post: { ...ownerOnly(400), staff: 404, manager: 404, scoped: 404 },
  },
  // The owner's own: practice settings, the lessons due for an accuracy review, and the audit log.
  "routes/owner.settings": { get: ownerOnly(200), data: ownerOnly(200, true), post: ownerOnly(400) },
  "routes/owner.library": { get: ownerOnly(200), data: ownerOnly(200, true), post: NO_ACTION },
  "routes/owner.audit": { get: ownerOnly(200), data: ownerOnly(200, true), post: NO_ACTION },
  // Sign-in attempts refused by the lockout (accounts and addresses): the owner's alone, read-only.
  "routes/owner.sign-ins": { get: ownerOnly(200), data: ownerOnly(200, true), post: NO_ACTION },
};
