import { startServer, type TestServer } from "#tests/support/server.ts";
import { createLocation, createUser, placeUser } from "#tests/support/factories.ts";
import { expect, PEOPLE, seedPractice, signIn, test } from "./fixtures.ts";

const SAM = { email: "sam@practice.test", password: "sam-password-12" };
let server: TestServer;
let riverPersonId = 0;

test.beforeAll(async () => {
  server = await startServer({
    seed: async (db) => {
      await seedPractice(db);
      const maple = await createLocation(db, "Maple");
      const river = await createLocation(db, "River");
      const sam = await createUser(db, { ...SAM, name: "Sam Okafor", role: "manager" });
      await placeUser(db, sam.id, { locationId: maple, scopeLocationId: maple });
      const here = await createUser(db, { name: "Hana Maple", email: "hana@practice.test" });
      await placeUser(db, here.id, { locationId: maple, jobTitle: "Receptionist" });
      const there = await createUser(db, { name: "Rio River", email: "rio@practice.test" });
      await placeUser(db, there.id, { locationId: river, jobTitle: "Receptionist" });
      riverPersonId = there.id;
    },
  });
});
test.afterAll(async () => {
  await server.stop();
});

test("a location-scoped manager cannot see, export or change a person of the other location", async ({ page }) => {
  await signIn(page, server.url, SAM);
  await page.goto(`${server.url}/manage/team`);
  await expect(page.getByRole("link", { name: "Hana Maple" })).toBeVisible();
  await expect(page.getByText("Rio River")).toHaveCount(0);

  // Editing URLs.
  for (const path of [`/manage/people/${riverPersonId}`, `/manage/people/${riverPersonId}/export.csv`, `/manage/people/${riverPersonId}?confirm=deactivate`]) {
    expect((await page.request.get(`${server.url}${path}`)).status(), path).toBe(404);
  }
  // Editing form fields.
  const post = (path: string, form: Record<string, string>) =>
    page.request.post(`${server.url}${path}`, { headers: { Origin: server.url }, form, maxRedirects: 0 });
  expect((await post(`/manage/people/${riverPersonId}`, { intent: "deactivate" })).status()).toBe(404);
  expect((await post(`/manage/people/${riverPersonId}`, { intent: "reset-code" })).status()).toBe(404);
  const assign = { intent: "create", item: "module:first-impressions", targetKind: "person", userId: String(riverPersonId), dueKind: "days", dueDays: "7" };
  expect((await post("/manage/assignments", assign)).status()).toBe(404);
  const river = await server.db.selectFrom("location").select("id").where("name", "=", "River").executeTakeFirstOrThrow();
  expect((await post("/manage/assignments", { ...assign, targetKind: "location", locationId: String(river.id) })).status()).toBe(404);
  // Adding someone at the other location is refused too.
  const add = await post("/manage/team", { intent: "add-person", name: "New", email: "new@practice.test", locationId: String(river.id), role: "staff" });
  expect(add.status()).toBe(400);

  const rio = await server.db.selectFrom("user").select(["status"]).where("id", "=", riverPersonId).executeTakeFirstOrThrow();
  expect(rio.status).toBe("active");
  expect(await server.db.selectFrom("assignment").select("id").execute()).toEqual([]);
  expect(await server.db.selectFrom("user").select("id").where("email", "=", "new@practice.test").execute()).toEqual([]);

  // Their own location's people are theirs to manage, and exports hold only them.
  expect((await post("/manage/assignments", { ...assign, targetKind: "everyone" })).status()).toBe(200);
  const csv = await (await page.request.get(`${server.url}/manage/progress.csv`)).text();
  expect(csv).toContain("Hana Maple");
  expect(csv).not.toContain("Rio River");
});

test("the owner sees everyone and reads the audit log", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(`${server.url}/manage/team`);
  await expect(page.getByRole("link", { name: "Rio River" })).toBeVisible();
  await page.goto(`${server.url}/owner/audit`);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
});
