// Which address a request is counted under (app/server/client-address.ts), for every number of
// trusted proxies and every shape of X-Forwarded-For.
import { describe, expect, it } from "vitest";
import { clientAddress, normalizeAddress } from "#app/server/client-address.ts";

const PEER = "10.0.0.2";

describe("the client's address", () => {
  it("is the socket's peer without a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddress(PEER, undefined, 0)).toBe(PEER);
    expect(clientAddress(PEER, "203.0.113.7", 0)).toBe(PEER);
    expect(clientAddress(PEER, "203.0.113.7, 198.51.100.1", 0)).toBe(PEER);
    expect(clientAddress(undefined, "203.0.113.7", 0)).toBe("unknown");
  });

  it("behind one proxy, is the last entry: the one that proxy wrote", () => {
    expect(clientAddress(PEER, "203.0.113.7", 1)).toBe("203.0.113.7");
    // Whatever the client put before it is its own invention.
    expect(clientAddress(PEER, "1.2.3.4, 203.0.113.7", 1)).toBe("203.0.113.7");
    expect(clientAddress(PEER, "127.0.0.1,203.0.113.7", 1)).toBe("203.0.113.7");
    // Repeated headers, as an array or as Node joins them.
    expect(clientAddress(PEER, ["1.2.3.4", "203.0.113.7"], 1)).toBe("203.0.113.7");
  });

  it("behind two or three proxies, is the entry that many hops from the peer", () => {
    // client → A → B → app: B (the peer) saw A; A wrote the client.
    expect(clientAddress(PEER, "203.0.113.7, 10.0.0.1", 2)).toBe("203.0.113.7");
    expect(clientAddress(PEER, "6.6.6.6, 203.0.113.7, 10.0.0.1", 2)).toBe("203.0.113.7");
    expect(clientAddress(PEER, "6.6.6.6, 203.0.113.7, 10.0.0.5, 10.0.0.1", 3)).toBe("203.0.113.7");
  });

  it("with fewer entries than trusted hops, is the left-most entry; with no header, the peer", () => {
    expect(clientAddress(PEER, "203.0.113.7", 2)).toBe("203.0.113.7");
    expect(clientAddress(PEER, "203.0.113.7", 5)).toBe("203.0.113.7");
    expect(clientAddress(PEER, undefined, 1)).toBe(PEER);
    expect(clientAddress(PEER, undefined, 3)).toBe(PEER);
  });

  it("counts an entry that is not an address as the peer", () => {
    expect(clientAddress(PEER, "", 1)).toBe(PEER);
    expect(clientAddress(PEER, "unknown", 1)).toBe(PEER);
    expect(clientAddress(PEER, "203.0.113.7, _hidden", 1)).toBe(PEER);
    expect(clientAddress(PEER, "203.0.113.7, <script>", 1)).toBe(PEER);
    expect(clientAddress(PEER, "203.0.113.7,", 1)).toBe(PEER);
    expect(clientAddress(PEER, "x".repeat(10_000), 1)).toBe(PEER);
  });

  it("spells one address one way, so that nobody gets a second count by changing its spelling", () => {
    expect(clientAddress(PEER, "203.0.113.7:51234", 1)).toBe("203.0.113.7");
    expect(clientAddress(PEER, "[2001:DB8::1]:443", 1)).toBe("2001:db8::1");
    expect(clientAddress(PEER, " 2001:db8::1 ", 1)).toBe("2001:db8::1");
    expect(clientAddress("::ffff:127.0.0.3", undefined, 0)).toBe("127.0.0.3");
    expect(normalizeAddress("::FFFF:10.1.2.3")).toBe("10.1.2.3");
    expect(normalizeAddress("::1")).toBe("::1");
    expect(normalizeAddress("999.1.1.1")).toBeNull();
    expect(normalizeAddress("example.org")).toBeNull();
    expect(normalizeAddress(undefined)).toBeNull();
  });
});
