// A picture uploaded into a lesson is hostile until checked: its type is read from its bytes
// (never its name), it is decoded (a broken or oversized file is refused), and it is encoded
// afresh in the same format, which drops every piece of metadata (EXIF location, XMP, comments)
// and anything appended to the file.

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
/** Pixels a picture may decode to: a small file declaring a huge image is a decompression bomb. */
export const MAX_IMAGE_PIXELS = 40_000_000;

export const IMAGE_TYPES = {
  png: { mime: "image/png", ext: "png" },
  jpeg: { mime: "image/jpeg", ext: "jpg" },
  webp: { mime: "image/webp", ext: "webp" },
} as const;

type Kind = keyof typeof IMAGE_TYPES;

export type AcceptedImage = {
  ok: true;
  mime: (typeof IMAGE_TYPES)[Kind]["mime"];
  ext: (typeof IMAGE_TYPES)[Kind]["ext"];
  bytes: Uint8Array;
  width: number;
  height: number;
  baseName: string;
};

const ACCEPTED = "Pictures can be PNG, JPEG or WebP.";

function kindOf(b: Uint8Array): Kind | null {
  const starts = (...sig: number[]) => sig.every((v, i) => b[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(0x52, 0x49, 0x46, 0x46) && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return "webp";
  return null;
}

/** A safe file stem from an uploaded name: lowercase words and digits joined by hyphens. */
export function imageBaseName(fileName: string): string {
  const stem = fileName.replace(/^.*[\\/]/, "").replace(/\.[^.]*$/, "");
  const slug = stem
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return slug || "picture";
}

export async function acceptImage(bytes: Uint8Array, fileName: string): Promise<AcceptedImage | { ok: false; message: string }> {
  if (bytes.length === 0) return { ok: false, message: "The file is empty." };
  if (bytes.length > MAX_IMAGE_BYTES) {
    return { ok: false, message: `The picture is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; pictures can be up to ${MAX_IMAGE_BYTES / 1024 / 1024} MB.` };
  }
  const kind = kindOf(bytes);
  if (!kind) return { ok: false, message: `This file is not a picture DeskCoach can show. ${ACCEPTED}` };
  // Loaded when the first picture comes, not at start: libvips is about 10 MB of a server's
  // memory that only the studio's uploads use.
  const { default: sharp } = await import("sharp");
  try {
    const input = sharp(bytes, { failOn: "warning", limitInputPixels: MAX_IMAGE_PIXELS, animated: false });
    const meta = await input.metadata();
    if (meta.format !== (kind === "jpeg" ? "jpeg" : kind)) return { ok: false, message: `The file's contents do not match a ${kind.toUpperCase()} picture. ${ACCEPTED}` };
    if ((meta.pages ?? 1) > 1) return { ok: false, message: "Moving pictures are not allowed. Upload a still picture." };
    // Upright as the camera meant it, then encoded afresh: no metadata is copied across.
    const pipeline = input.rotate();
    const output = await (kind === "png" ? pipeline.png() : kind === "jpeg" ? pipeline.jpeg({ quality: 85, mozjpeg: true }) : pipeline.webp({ quality: 85 })).toBuffer({ resolveWithObject: true });
    if (output.data.length > MAX_IMAGE_BYTES) return { ok: false, message: `The picture is too large once prepared. Make it smaller (under ${MAX_IMAGE_BYTES / 1024 / 1024} MB) and try again.` };
    const type = IMAGE_TYPES[kind];
    return { ok: true, mime: type.mime, ext: type.ext, bytes: new Uint8Array(output.data), width: output.info.width, height: output.info.height, baseName: imageBaseName(fileName) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : "";
    if (/pixel limit/i.test(reason)) return { ok: false, message: "The picture has too many pixels. Make it smaller and try again." };
    return { ok: false, message: `The picture could not be read; it may be damaged. ${ACCEPTED}` };
  }
}
