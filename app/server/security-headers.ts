// The security headers every answer carries, with a fresh CSP nonce each time.
import type { ServerResponse } from "node:http";

// The policy around the nonce, joined once.
const [CSP_BEFORE_NONCE, CSP_AFTER_NONCE] = [
  "default-src 'self'",
  "script-src 'self' 'nonce-{nonce}'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
]
  .join("; ")
  .split("{nonce}") as [string, string];

export function securityHeaders(res: ServerResponse, nonce: string, https: boolean): void {
  res.setHeader("Content-Security-Policy", `${CSP_BEFORE_NONCE}${nonce}${CSP_AFTER_NONCE}`);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  if (https) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}
