// The production server's parts that only the end-to-end tests reached before: what the request
// log keeps of an address, the admission queue, and the refusals before any route.
import { describe, expect, it } from "vitest";
import { createAdmission } from "#app/server/admission.ts";
import { refusalBeforeRoutes, unsupportedRequest } from "#app/server/refusals.ts";
import { loggableUrl } from "#app/server/request-log.ts";

describe("the request log", () => {
  it("keeps paths, and only the names of query parameters", () => {
    expect(loggableUrl("/learn")).toBe("/learn");
    expect(loggableUrl("/manage/progress?locationId=2&state=overdue")).toBe("/manage/progress?locationId=[redacted]&state=[redacted]");
    expect(loggableUrl("/login?redirectTo=%2Fowner%2Fspend&flag")).toBe("/login?redirectTo=[redacted]&[redacted]");
    expect(loggableUrl("/owner/reports?")).toBe("/owner/reports");
  });

  it("never keeps a certificate link's token, however the address spells it", () => {
    const token = "k3JzQ1x-secret";
    expect(loggableUrl(`/certificates/${token}`)).toBe("/certificates/[token]");
    expect(loggableUrl(`/certificates/${token}.data`)).toBe("/certificates/[token].data");
    expect(loggableUrl(`/CERTIFICATES/${token}?_routes=x`)).toBe("/CERTIFICATES/[token]?_routes=[redacted]");
    expect(loggableUrl(`/%63ertificates/${token}`)).toBe("/%63ertificates/[token]");
    // A segment that cannot be decoded is compared as it is, and does not stop the log.
    expect(loggableUrl(`/%E0%A4%A/certificates/${token}`)).toBe("/%E0%A4%A/certificates/[token]");
    expect(loggableUrl("/certificates/")).toBe("/certificates/");
  });
});

describe("the admission queue", () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it("admits up to its limit at once, then the rest in the order they came as places free", async () => {
    const admission = createAdmission(2, 10);
    const first = await admission.enter();
    const second = await admission.enter();
    expect(first).toBeTypeOf("function");
    expect(second).toBeTypeOf("function");
    const admitted: string[] = [];
    const third = admission.enter().then((release) => (admitted.push("third"), release));
    const fourth = admission.enter().then((release) => (admitted.push("fourth"), release));
    await tick();
    expect(admitted).toEqual([]);
    first!();
    await tick();
    expect(admitted).toEqual(["third"]);
    second!();
    await tick();
    expect(admitted).toEqual(["third", "fourth"]);
    (await third)!();
    (await fourth)!();
    // Every place is free again: two enter at once.
    expect(await Promise.all([admission.enter(), admission.enter()])).toEqual([expect.any(Function), expect.any(Function)]);
  });

  it("answers null at once when the queue is full, rather than queue more", async () => {
    const admission = createAdmission(1, 1);
    const inside = await admission.enter();
    const waiting = admission.enter();
    expect(await admission.enter()).toBeNull();
    inside!();
    expect(await waiting).toBeTypeOf("function");
  });

  it("gives a place back once, however often it is released (a streaming answer releases early)", async () => {
    const admission = createAdmission(1, 10);
    const release = await admission.enter();
    release!();
    release!();
    const again = await admission.enter();
    let second = false;
    void admission.enter().then(() => (second = true));
    await tick();
    // A second release of the first place must not have freed a place the second holder took.
    expect(second).toBe(false);
    again!();
    await tick();
    expect(second).toBe(true);
  });
});

describe("refusals before any route", () => {
  const own = "http://127.0.0.1:3000";
  const form = { origin: own, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" };

  it("lets reads and our own forms through", () => {
    expect(refusalBeforeRoutes("GET", {}, own)).toBeNull();
    expect(refusalBeforeRoutes("HEAD", {}, own)).toBeNull();
    expect(refusalBeforeRoutes("POST", form, own)).toBeNull();
    expect(refusalBeforeRoutes("POST", { ...form, "content-type": "application/x-www-form-urlencoded;charset=UTF-8" }, own)).toBeNull();
    expect(refusalBeforeRoutes("POST", { ...form, "content-type": "multipart/form-data; boundary=----x" }, own)).toBeNull();
  });

  it("refuses a cross-site change first, whatever else is wrong with it", () => {
    expect(refusalBeforeRoutes("POST", { ...form, origin: "https://evil.example" }, own)).toMatchObject({ status: 403 });
    expect(refusalBeforeRoutes("POST", { "content-type": form["content-type"] }, own)).toMatchObject({ status: 403 });
    expect(refusalBeforeRoutes("PUT", { "content-type": "application/json" }, own)).toMatchObject({ status: 403 });
  });

  it("answers 405 with Allow to a method no page uses, and 415 to a post that is not a form", () => {
    expect(refusalBeforeRoutes("PUT", form, own)).toEqual({ status: 405, message: "DeskCoach accepts only GET, HEAD and POST.", headers: { Allow: "GET, HEAD, POST" } });
    expect(refusalBeforeRoutes("DELETE", form, own)).toMatchObject({ status: 405 });
    for (const type of ["application/json", "text/plain", "multipart/form-data", "multipart/form-data; boundary=", "application/x-www-form-urlencodedx"]) {
      expect(refusalBeforeRoutes("POST", { ...form, "content-type": type }, own), type).toMatchObject({ status: 415, headers: {} });
    }
    expect(unsupportedRequest("POST", undefined)).toMatchObject({ status: 415 });
  });
});
