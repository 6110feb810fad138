// Writes the app icons (public/icons/icon-192.png, icon-512.png) for the web app manifest: a
// white check mark in a white ring on the brand blue, drawn pixel by pixel and encoded as PNG
// with node's zlib, so no image library is needed. Run with `npx tsx app/cli/make-icons.ts`;
// the output is committed.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const BLUE = [0x0b, 0x5c, 0x8e] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Distance from point p to the segment a–b. */
function segment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
}

/** How much of the unit-square pixel at (x, y) is white, 0–1, from 4×4 samples. */
function coverage(x: number, y: number, size: number): number {
  let hits = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      // In a 0–1 square; the drawing keeps inside the maskable safe zone (the middle 80%).
      const u = (x + (i + 0.5) / 4) / size;
      const v = (y + (j + 0.5) / 4) / size;
      const r = Math.hypot(u - 0.5, v - 0.5);
      const ring = Math.abs(r - 0.3) < 0.035;
      const tick = Math.min(segment(u, v, 0.36, 0.51, 0.46, 0.61), segment(u, v, 0.46, 0.61, 0.65, 0.41)) < 0.04;
      if (ring || tick) hits++;
    }
  }
  return hits / 16;
}

function png(size: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const a = coverage(x, y, size);
      for (let c = 0; c < 3; c++) row[1 + x * 3 + c] = Math.round(BLUE[c]! * (1 - a) + WHITE[c]! * a);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const dir = path.resolve(import.meta.dirname, "../../public/icons");
fs.mkdirSync(dir, { recursive: true });
for (const size of [192, 512]) {
  fs.writeFileSync(path.join(dir, `icon-${size}.png`), png(size));
  console.log(`wrote public/icons/icon-${size}.png`);
}
