// Outcomes as an owner meets them: six months typed, twelve imported, the charts and their tables,
// the before and after around a roll-out with its interval, and the value range; a manager without
// the money grant is refused the page, and a manager limited to one location with the grant sees
// that location's figures and feedback only.
import type { Page } from "@playwright/test";
import type { DB } from "#db/connection.ts";
import { createAssignment } from "#app/models/assignments.server.ts";
import { syncCatalog } from "#app/models/catalog.server.ts";
import { localDate } from "#app/models/clock.server.ts";
import { saveFeedback } from "#app/models/feedback.server.ts";
import { saveOutcomeMonth } from "#app/models/outcomes.server.ts";
import { newcombeDifference, wilson } from "#app/models/outcome-stats.ts";
import { formatCents } from "#app/rules/money.ts";
import { addMonthsToMonth, monthLabel } from "#app/rules/outcomes.ts";
import { createLocation, createUser, placeUser } from "#tests/support/factories.ts";
import { startServer, type TestServer } from "#tests/support/server.ts";
import { realCatalog } from "#tests/support/trust-practice.ts";
import { expect, PEOPLE, seedPractice, signIn, test } from "./fixtures.ts";

const TIME_ZONE = "America/Chicago";
// The practice's month now, and the roll-out eight months before it.
const current = localDate(new Date(), TIME_ZONE).slice(0, 7);
const month = (back: number) => addMonthsToMonth(current, -back);
const ROLLOUT = month(8);
/** A manager limited to North. */
const SAM = { email: "sam@practice.test", password: "sam-password-12" };

let server: TestServer;
async function seed(db: DB) {
  await seedPractice(db);
  const north = await createLocation(db, "North");
  const catalog = realCatalog();
  await syncCatalog(db, catalog);
  const owner = await db.selectFrom("user").select("id").where("email", "=", PEOPLE.owner.email).executeTakeFirstOrThrow();
  const maria = await db.selectFrom("user").select("id").where("email", "=", PEOPLE.maria.email).executeTakeFirstOrThrow();
  await placeUser(db, maria.id, { locationId: north });
  const extra = await createUser(db, { name: "Noor Aziz" });
  await placeUser(db, extra.id, { locationId: north });
  // Another location's figures and feedback, long before the roll-out, that a manager limited to
  // North must never see; and North's own.
  const south = await createLocation(db, "South");
  const sam = await createUser(db, { ...SAM, name: "Sam Okafor", role: "manager" });
  await placeUser(db, sam.id, { locationId: north, scopeLocationId: north });
  const ownerActor = { id: owner.id, role: "owner" as const, scopeLocationId: null };
  const blank = { visits: null, newPatients: null, returningPatients: null, noShows: null, lateCancellations: null, reviewCount: null, stars: null, complaints: null };
  await saveOutcomeMonth(db, ownerActor, { month: month(22), locationId: north, figures: { ...blank, visits: 444 } }, new Date());
  await saveOutcomeMonth(db, ownerActor, { month: month(21), locationId: south, figures: { ...blank, visits: 999 } }, new Date());
  const fb = (locationId: number, rating: number, comment: string) => ({ receivedOn: `${month(22)}-10`, source: "Survey", rating, comment, redactions: {}, locationId });
  await saveFeedback(db, ownerActor, [fb(north, 5, "Lovely front desk"), fb(south, 1, "Nobody answered the phone")], { now: new Date(), requestId: "seed-feedback", via: "csv" });
  // The phone module first given to everyone on the 15th of the roll-out month.
  await createAssignment(
    db,
    { id: owner.id, role: "owner", scopeLocationId: null },
    { item: { kind: "module", slug: "the-phone" }, target: { kind: "group", jobTitle: null, locationId: null }, due: { kind: "days", days: 30 }, recurMonths: null },
    { catalog, now: new Date(`${ROLLOUT}-15T17:00:00Z`), timeZone: TIME_ZONE },
  );
}

test.beforeAll(async () => {
  // The seed reads the whole library and hashes three passwords; the machine may be busy.
  test.setTimeout(120_000);
  server = await startServer({ seed });
});
test.afterAll(async () => {
  await server?.stop();
});

async function typeMonth(page: Page, figures: { month: string; visits: string; returning: string; noShows?: string; reviews?: string; stars?: string }) {
  await page.getByLabel("Month", { exact: true }).fill(figures.month);
  await page.getByLabel("Location").selectOption({ label: "North" });
  await page.getByLabel("Visits").fill(figures.visits);
  await page.getByLabel("Returning patients").fill(figures.returning);
  await page.getByLabel("No-shows").fill(figures.noShows ?? "");
  await page.getByLabel("Online reviews").fill(figures.reviews ?? "");
  await page.getByLabel("Average stars").fill(figures.stars ?? "");
  await page.getByRole("button", { name: "Save figures" }).click();
}

test("the owner types six months, imports twelve, and reads the before and after with its interval @core", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, server.url, PEOPLE.owner);
  await page.goto(`${server.url}/owner/outcomes`);
  await expect(page.getByText("what moved alongside training, not proof that training moved it")).toBeVisible();
  await page.getByRole("link", { name: "Enter a month's figures" }).first().click();
  // The entry page, not the outcomes page still showing while the link is followed.
  await expect(page).toHaveURL(/\/owner\/outcomes\/entry/);

  // Returning above visits, and a month not begun: each refused beside its field, nothing kept.
  await typeMonth(page, { month: addMonthsToMonth(current, 1), visits: "100", returning: "120" });
  await expect(page.getByText("That month has not begun yet.")).toBeVisible();
  await expect(page.getByText("Returning patients cannot be more than the visits.")).toBeVisible();
  // (The seed's two months are from well before.)
  expect(await server.db.selectFrom("outcome_month").select("id").where("month", ">=", month(20)).execute()).toEqual([]);

  // Six months after the roll-out, typed: 300 of 400 visits returning (75%); stars only twice.
  for (let back = 6; back >= 1; back--) {
    await typeMonth(page, { month: month(back), visits: "400", returning: "300", ...(back <= 2 ? { reviews: "4", stars: "4.5" } : {}) });
    await expect(page.getByRole("status")).toContainText(`Saved the figures for North, ${monthLabel(month(back))}`);
  }
  // The same month twice is refused.
  await typeMonth(page, { month: month(1), visits: "1", returning: "1" });
  await expect(page.getByText(`North has figures for ${month(1)} already. Edit that month instead.`)).toBeVisible();

  // Twelve months imported: 240 of 400 returning (60%) before the roll-out, 75% after it.
  const header = "month,location,visits,new patients,returning patients,no-shows,late cancellations,reviews,average stars,complaints";
  const rows = Array.from({ length: 12 }, (_, i) => {
    const m = month(18 - i);
    return `${m},North,400,,${m < ROLLOUT ? 240 : 300},,,,,`;
  });
  await page.goto(`${server.url}/owner/outcomes/import`);
  await page.getByLabel("CSV or Excel file").setInputFiles({ name: "outcomes.csv", mimeType: "text/csv", buffer: Buffer.from([header, ...rows].join("\n")) });
  await page.getByRole("button", { name: "Check the file" }).click();
  await page.getByRole("button", { name: /^Add 12 months/ }).click();
  await expect(page.getByRole("status")).toContainText("Added 12 months of figures.");

  // The before and after: Newcombe's interval, worked here from the same counts the page uses.
  await page.goto(`${server.url}/owner/outcomes`);
  const change = newcombeDifference(wilson(720, 1200), wilson(900, 1200));
  const points = (x: number) => `${x < 0 ? "−" : "+"}${Math.abs(x * 100).toFixed(1)}`;
  const table = page.getByRole("region", { name: /Before and after The phone/i });
  const returnRow = table.getByRole("row", { name: /^Return rate/ });
  await expect(returnRow).toContainText("60.0% (720 of 1,200 visits");
  await expect(returnRow).toContainText("75.0% (900 of 1,200 visits");
  await expect(returnRow).toContainText(`+15.0 points (${points(change.low)} to ${points(change.high)})`);
  await expect(returnRow).toContainText("Went up (the better way)");
  // Stars from one month after the roll-out and none before: nothing to compare.
  await expect(table.getByRole("row", { name: /^Average online stars/ })).toContainText("No figures before the roll-out");

  // The chart and its table of the same numbers, and the CSV.
  const chart = page.getByRole("figure", { name: "Return rate by month" });
  await expect(chart).toBeVisible();
  // The drawing: a line through the months, and the roll-out marked.
  await expect(chart.locator("svg path.series-b")).toHaveAttribute("d", /^M[\d.]+,[\d.]+L/);
  await expect(chart.locator("svg line.chart-marker")).toHaveCount(1);
  const figures = page.getByRole("region", { name: "Return rate by month: the figures" });
  await expect(figures.getByRole("row", { name: new RegExp(`^${monthLabel(month(12))}`) })).toContainText("60.0%");
  await expect(figures.getByRole("row", { name: new RegExp(`^${monthLabel(ROLLOUT)}`) })).toContainText("The phone");
  const csv = await (await page.request.get(`${server.url}/owner/outcomes.csv?table=figures`)).text();
  expect(csv).toContain(`${month(1)},400,,300,`);

  // The value: a range, never one number, beside the year's spend.
  await page.getByLabel("A returning patient is worth ($)").fill("100");
  await page.getByRole("button", { name: "Save values" }).click();
  // 1,200 visits in the three months after: 4,800 a year, × the interval's ends × $100.
  const cents = (d: number) => formatCents(Math.round(d * 4800 * 100_00));
  const value = page.getByRole("listitem").filter({ hasText: "returning patients:" });
  await expect(value).toContainText(`${cents(change.low)} to ${cents(change.high)} a year`);
  await expect(page.getByText(/Training spend, /)).toBeVisible();
});

test("a manager without the money grant is refused the outcomes @core", async ({ page }) => {
  await signIn(page, server.url, PEOPLE.rosa);
  for (const path of ["/owner/outcomes", "/owner/outcomes/entry", "/owner/outcomes/import", "/owner/outcomes.csv?table=figures"]) {
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status(), path).toBe(403);
  }
});

test("a manager limited to one location, with the money grant, sees only that location's figures and feedback @core", async ({ page }) => {
  await server.db.updateTable("practice").set({ managers_see_costs: 1 }).execute();
  try {
    await signIn(page, server.url, SAM);
    const response = await page.goto(`${server.url}/owner/outcomes`);
    expect(response?.status()).toBe(200);
    // No choice of location: theirs is the only one.
    await expect(page.getByRole("combobox", { name: "Location" })).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Month by month (North)" })).toBeVisible();
    const kept = page.getByRole("region", { name: "The figures of each month kept" });
    await expect(kept.getByRole("row", { name: new RegExp(`^${monthLabel(month(22))}`) })).toContainText("444");
    await expect(kept).not.toContainText("South");
    await expect(kept).not.toContainText("999");
    // The feedback joins in for North only: the rating of 5, not South's 1.
    const rating = page.getByRole("region", { name: "Patient feedback in DeskCoach by month: average rating (1 to 5): the figures" });
    await expect(rating.getByRole("row", { name: new RegExp(`^${monthLabel(month(22))}`) })).toContainText("5.00");
    await expect(rating).not.toContainText("1.00");
    const csv = await (await page.request.get(`${server.url}/owner/outcomes.csv?table=figures`)).text();
    expect(csv).toContain(`${month(22)},444,`);
    expect(csv).not.toContain("999");
    // The other location, asked for by its id, does not exist for them.
    const south = await server.db.selectFrom("location").select("id").where("name", "=", "South").executeTakeFirstOrThrow();
    expect((await page.request.get(`${server.url}/owner/outcomes?location=${south.id}`)).status()).toBe(404);
  } finally {
    await server.db.updateTable("practice").set({ managers_see_costs: 0 }).execute();
  }
});
