import { describe, expect, it } from "vitest";
import { imageResponse } from "#app/route-helpers/image-response.server.ts";

describe("a lesson picture's answer", () => {
  it("holds exactly the picture's bytes, even when they are a view into a shared buffer (as node-postgres returns a bytea)", async () => {
    // Small Buffers share one pool: this one's `.buffer` is 8 KB of other things.
    const pooled = Buffer.from("89504e470d0a1a0a", "hex");
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const response = imageResponse({ mime: "image/png", bytes: pooled }, "no-store");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.toString("hex")).toBe("89504e470d0a1a0a");
    expect(response.headers.get("Content-Length")).toBe("8");
  });
});
