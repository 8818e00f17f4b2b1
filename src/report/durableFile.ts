/**
 * Writing a kept report file so that a crash (kill -9, power cut) leaves either the old file or the new one, whole —
 * never a torn one: write a temporary file beside it, fsync it, rename it over the old, fsync the directory.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export function writeFileDurably(file: string, bytes: Buffer | string): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    try {
      for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const d = openSync(dir, 'r');
  try {
    fsyncSync(d);
  } finally {
    closeSync(d);
  }
}
