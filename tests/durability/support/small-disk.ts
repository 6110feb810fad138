// A small disk of our own: a tmpfs of a few megabytes, which fills up for real (ENOSPC) without
// touching the machine's disk. Mounting needs root, as CI and the development machine run.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SmallDisk {
  dir: string;
  /** Bytes still free on it. */
  free(): number;
  /** Writes a file of zeros taking all but `leaveBytes` of the free space. */
  fill(file: string, leaveBytes: number): void;
  unmount(): void;
}

export function mountSmallDisk(megabytes: number): SmallDisk {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "The full-disk test needs root: it mounts a small tmpfs (mount -t tmpfs) for the database. " +
        "Run `npm run test:durability` as root, as CI does.",
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskcoach-full-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${megabytes}m,mode=0700`, "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not mount a tmpfs at ${dir} for the full-disk test: ${String(error)}`);
  }
  const free = () => {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    dir,
    free,
    fill(file, leaveBytes) {
      const chunk = Buffer.alloc(64 * 1024);
      const fd = fs.openSync(file, "w");
      try {
        let left = free() - leaveBytes;
        while (left > 0) {
          const n = fs.writeSync(fd, chunk, 0, Math.min(chunk.length, left));
          left -= n;
        }
      } finally {
        fs.closeSync(fd);
      }
    },
    unmount() {
      try {
        execFileSync("umount", [dir], { stdio: "pipe" });
      } catch {
        // Something still holds a file there (a server that would not die): detach it anyway.
        execFileSync("umount", ["-l", dir], { stdio: "pipe" });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
