// Which address a request comes from, for sign-in throttling and the owner's list of blocked
// sign-ins. Without a proxy it is the socket's peer. Behind TRUST_PROXY proxies, each of which
// appends the address it received the request from to X-Forwarded-For, it is the right-most
// address that no trusted proxy wrote: everything to its left was written by the client, which
// may put anything there.
//
//   client ──► proxy A ──► proxy B ──► DeskCoach
//   X-Forwarded-For: <whatever the client sent>, <client>, <A>     peer: B
//
// With TRUST_PROXY=2 (A and B) the chain is [..., client, A, B]: the address two hops left of the
// peer is the client's. With TRUST_PROXY=1, the last entry of the header; with 0 the header is
// never read, so nobody can choose the address they are counted under.
//
// When the header has fewer entries than trusted hops (a trusted proxy that did not add one, or a
// request that reached an inner proxy directly), the left-most entry counts: it is the furthest
// hop the chain reaches, and a client could have filled the missing places itself anyway. An
// entry that is not an IP address (garbage, "unknown", an obfuscated name) counts as the peer.
import { isIP } from "node:net";

/** The most proxies anyone puts in front of one small app; the setting refuses more. */
export const MAX_TRUSTED_PROXIES = 10;

/**
 * An IP address as one spelling: "1.2.3.4:5678" and "[::1]:443" lose their ports, an IPv4
 * address seen over IPv6 ("::ffff:1.2.3.4") becomes "1.2.3.4", IPv6 is lower case. Null when
 * the text is not an address.
 */
export function normalizeAddress(text: string | undefined | null): string | null {
  if (!text) return null;
  let value = text.trim();
  if (value.length === 0 || value.length > 64) return null;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(value);
  if (bracketed) value = bracketed[1] as string;
  else if (/^[\d.]+:\d{1,5}$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  value = value.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(value);
  if (mapped) value = mapped[1] as string;
  return isIP(value) === 0 ? null : value;
}

/**
 * The client's address. `forwardedFor` is the X-Forwarded-For header as received (Node joins
 * repeated headers with commas; an array is taken in order); `trustedHops` is TRUST_PROXY.
 * "unknown" only when not even the peer is known.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const fromPeer = normalizeAddress(peer) ?? "unknown";
  if (trustedHops <= 0 || forwardedFor === undefined) return fromPeer;
  const entries = [forwardedFor].flat().join(",").split(",");
  // The peer is the nearest trusted hop; the header's entries lead up to it.
  const chain = [...entries, fromPeer];
  const index = Math.max(0, chain.length - 1 - Math.min(trustedHops, MAX_TRUSTED_PROXIES));
  return normalizeAddress(chain[index]) ?? fromPeer;
}
