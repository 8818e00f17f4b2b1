import { openSync, readSync, closeSync, fstatSync } from 'node:fs';

/** The sample the readers judge a file by: its first 64 KiB. */
export const SAMPLE = 65536;

/** Up to `n` bytes of a file from `at`. */
export function readBytes(path: string, n = SAMPLE, at = 0): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, at);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's bytes from `from` up to `to` (default: its end), a chunk at a time, with the offset of each chunk's first
 * byte. The buffer is reused: a chunk is valid until the next one. Leaving the loop early closes the file.
 */
export function* chunksOf(path: string, o: { from?: number; to?: number; size?: number } = {}): Generator<{ bytes: Buffer; at: number }> {
  const fd = openSync(path, 'r');
  try {
    const to = Math.min(o.to ?? Infinity, fstatSync(fd).size);
    const buf = Buffer.alloc(o.size ?? 1 << 20);
    for (let at = o.from ?? 0; at < to;) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, to - at), at);
      if (!got) return;
      yield { bytes: buf.subarray(0, got), at };
      at += got;
    }
  } finally {
    closeSync(fd);
  }
}
