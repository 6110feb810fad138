// Answers with a lesson picture: the type it was checked to be, never sniffed by the browser, never
// run (a sandboxing CSP of its own), and downloadable only as what it is.

/** A picture's file name as lessons write it: a slug and png, jpg or webp. */
export const IMAGE_NAME = /^[a-z0-9][a-z0-9-]*\.(png|jpg|webp)$/;

const TYPES = { png: "image/png", jpg: "image/jpeg", webp: "image/webp" } as const;

export function mimeOfName(name: string): string | null {
  const ext = IMAGE_NAME.exec(name)?.[1] as keyof typeof TYPES | undefined;
  return ext ? TYPES[ext] : null;
}

export function imageResponse(image: { mime: string; bytes: Uint8Array }, cacheControl: string): Response {
  // A copy of exactly these bytes. Not `bytes.slice().buffer`: a Buffer's slice is a view, and a
  // small Buffer (as node-postgres returns a bytea) is a view into a shared 8 KB pool, whose
  // whole `.buffer` holds whatever else was read (other queries' text among it).
  return new Response(new Uint8Array(image.bytes), {
    headers: {
      "Content-Type": image.mime,
      "Content-Length": String(image.bytes.byteLength),
      "Cache-Control": cacheControl,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "Content-Disposition": "inline",
    },
  });
}
