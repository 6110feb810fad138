// The production server's parts that only the end-to-end tests reached before: what the request
// log keeps of an address, the admission queue, and the refusals before any route.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createAdmission } from "#app/server/admission.ts";
import { refusalBeforeRoutes, unsupportedRequest } from "#app/server/refusals.ts";
import { loggableUrl } from "#app/server/request-log.ts";
import { sendResponse, toRequest } from "#app/server/send-response.ts";

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

  it("lets a mail program's one-click unsubscribe POST through to the unsubscribe route, and nothing else from another site", () => {
    const mailProgram = { "content-type": "application/x-www-form-urlencoded" };
    expect(refusalBeforeRoutes("POST", mailProgram, own, "/unsubscribe/Abc_123-xyz")).toBeNull();
    expect(refusalBeforeRoutes("POST", { ...mailProgram, origin: "https://mail.example" }, own, "/unsubscribe/Abc_123-xyz")).toBeNull();
    for (const pathname of ["/unsubscribe", "/unsubscribe/", "/unsubscribe/abc/more", "/unsubscribe/abc.data", "/manage/team", "/logout"]) {
      expect(refusalBeforeRoutes("POST", mailProgram, own, pathname), pathname).toMatchObject({ status: 403 });
    }
    // Still a form, and still only POST.
    expect(refusalBeforeRoutes("POST", { "content-type": "application/json" }, own, "/unsubscribe/abc")).toMatchObject({ status: 415 });
    expect(refusalBeforeRoutes("PUT", mailProgram, own, "/unsubscribe/abc")).toMatchObject({ status: 403 });
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

describe("an answer given before the upload has arrived", () => {
  /** A server whose every answer is a 413 that reads none of the body, as the import's size check gives. */
  async function refusingServer() {
    const server = http.createServer((req, res) => {
      const request = toRequest(req, res, "http://localhost");
      void sendResponse(req, res, new Response("That file is too large.", { status: 413, headers: { "content-type": "text/plain" } }), () => {});
      void request;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, port: (server.address() as AddressInfo).port };
  }

  /** Writes a request with `size` bytes of body as fast as the socket takes them; resolves with what came back. */
  function upload(port: number, size: number, requests = 1): Promise<{ text: string; error: string | null }> {
    return new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      const received: Buffer[] = [];
      let error: string | null = null;
      socket.on("data", (chunk: Buffer) => received.push(chunk));
      socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
      socket.on("close", () => resolve({ text: Buffer.concat(received).toString("latin1"), error }));
      const body = Buffer.alloc(size, "a");
      for (let i = 0; i < requests; i += 1) {
        const last = i === requests - 1;
        socket.write(`POST /import HTTP/1.1\r\nhost: localhost\r\ncontent-length: ${size}\r\n${last ? "connection: close\r\n" : ""}\r\n`);
        socket.write(body);
      }
    });
  }

  it("lets the client finish sending, so the answer is not lost to a reset, and keeps the connection", async () => {
    const { server, port } = await refusingServer();
    try {
      const { text, error } = await upload(port, 10 * 1024 * 1024, 2);
      expect(error).toBeNull();
      // Both requests on the one connection were answered: the first did not have to close it.
      expect(text.match(/HTTP\/1\.1 413/g)).toHaveLength(2);
      expect(text).toContain("Connection: keep-alive");
      expect(text).toContain("That file is too large.");
    } finally {
      server.close();
    }
  });

  it("does not wait for a body larger than it will ever read: it answers and closes", async () => {
    const { server, port } = await refusingServer();
    try {
      const socket = net.connect(port, "127.0.0.1");
      const received: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => received.push(chunk));
      socket.on("error", () => {});
      // Only the head and a little of a declared 1 GB body: the answer comes without the rest.
      socket.write(`POST /import HTTP/1.1\r\nhost: localhost\r\ncontent-length: ${1024 ** 3}\r\n\r\n${"a".repeat(1000)}`);
      await new Promise((resolve) => socket.once("data", resolve));
      const text = Buffer.concat(received).toString("latin1");
      expect(text).toMatch(/^HTTP\/1\.1 413/);
      expect(text.toLowerCase()).toContain("connection: close");
      socket.destroy();
    } finally {
      server.close();
    }
  });
});
