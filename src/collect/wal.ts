import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { LogFile } from './logFile.ts';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The write-ahead log (预写日志) of the collection API: a request is acknowledged only after its records are
 * written here and fsync'd. Many concurrent requests share one fsync (group commit): while one write+fdatasync
 * is in flight the next requests queue up, then go down together. The writes and syncs run on the log's own
 * thread (logFile.ts), not on libuv's pool where DuckDB's statements run.
 *
 * Files are segments `<dir>/NNNNNNNN.wal`, each a sequence of frames `u32 length ‖ u32 crc32 ‖ payload`; a torn
 * frame at the tail (a crash mid-write: never acknowledged) is cut off on replay. A new segment is started on every
 * open and when one grows past `segmentBytes`; the loader deletes segments it has fully loaded.
 */
export interface WalRecord<K> {
  segment: string;
  /** Offset just past this frame: once loaded, the loader's offset for the segment moves here. */
  end: number;
  /** What the writer asked to keep in memory beside the payload (small: the payload is the record). */
  kept: K;
  /** The record as written (UTF-8 JSON text), outside the JS heap until it is loaded. */
  payload: Buffer;
}

/** A stretch [from, to) of a segment's intact frames: what a restart finds past the loaded offset. */
export interface LogStretch {
  segment: string;
  from: number;
  to: number;
}

interface Waiting {
  frame: Buffer;
  kept: unknown;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class WriteAheadLog<K> {
  private file: LogFile | null = null;
  private segment = '';
  private size = 0;
  private seq = 0;
  private queue: Waiting[] = [];
  private flushing = false;
  private broken: Error | null = null;
  /** Number of fsyncs and frames written, for the benchmark and tests (frames / fsyncs = group size). */
  readonly stats = { fsyncs: 0, frames: 0, bytes: 0 };

  private constructor(
    readonly dir: string,
    private readonly onDurable: (records: WalRecord<K>[]) => void,
    private readonly segmentBytes: number,
  ) {}

  /**
   * Opens the log: returns where the frames past each segment's loaded offset lie (to replay, oldest first: the
   * loader reads them back as it reaches them, so a long backlog is not all in memory at once), and a log that
   * appends to a fresh segment. A torn tail is cut off here.
   */
  static async open<K>(dir: string, loaded: Map<string, number>, onDurable: (r: WalRecord<K>[]) => void, segmentBytes = 64 * 1024 * 1024): Promise<{ wal: WriteAheadLog<K>; replay: LogStretch[]; segments: string[] }> {
    mkdirSync(dir, { recursive: true });
    const segments = listSegments(dir);
    const replay: LogStretch[] = [];
    for (const segment of segments) {
      const from = loaded.get(segment) ?? 0;
      const to = await recoverSegment(dir, segment, from);
      if (to > from) replay.push({ segment, from, to });
    }
    const wal = new WriteAheadLog<K>(dir, onDurable, segmentBytes);
    wal.file = await LogFile.start();
    wal.seq = segments.length ? Number(segments[segments.length - 1].slice(0, 8)) : 0;
    await wal.rotate();
    return { wal, replay, segments };
  }

  get currentSegment(): string {
    return this.segment;
  }

  /**
   * Appends one record (its text) and what to keep of it in memory; resolves once it is on disk (fsync'd), after
   * the loader has been handed it.
   */
  append(text: string, kept: K): Promise<void> {
    if (this.broken) return Promise.reject(this.broken);
    const payload = Buffer.from(text, 'utf8');
    const frame = Buffer.allocUnsafe(8 + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    frame.writeUInt32BE(crc32(payload), 4);
    payload.copy(frame, 8);
    return new Promise((resolve, reject) => {
      this.queue.push({ frame, kept, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const group = this.queue;
        this.queue = [];
        const buf = group.length === 1 ? group[0].frame : Buffer.concat(group.map((g) => g.frame));
        const segment = this.segment;
        const start = this.size;
        try {
          if (!this.file) throw new Error('write-ahead log is closed');
          await this.file.append(buf);
        } catch (e) {
          this.broken = e as Error;
          for (const g of group) g.reject(e as Error);
          for (const g of this.queue.splice(0)) g.reject(e as Error);
          return;
        }
        this.size += buf.length;
        this.stats.fsyncs++;
        this.stats.frames += group.length;
        this.stats.bytes += buf.length;
        let end = start;
        const records = group.map((g) => {
          end += g.frame.length;
          return { segment, end, kept: g.kept as K, payload: g.frame.subarray(8) };
        });
        this.onDurable(records);
        for (const g of group) g.resolve();
        if (this.size >= this.segmentBytes) await this.rotate();
      }
    } finally {
      this.flushing = false;
    }
  }

  private async rotate(): Promise<void> {
    this.seq++;
    this.segment = `${String(this.seq).padStart(8, '0')}.wal`;
    await this.file!.open(join(this.dir, this.segment));
    this.size = 0;
  }

  /** The id of the thread that writes and syncs the log (Linux; 0 elsewhere): it keeps the request thread's priority. */
  get writerThread(): number {
    return this.file?.tid ?? 0;
  }

  /** Waits for queued appends, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing || this.queue.length) await new Promise((r) => setTimeout(r, 5));
    await this.file?.close();
    this.file = null;
  }

  /** Deletes a segment the loader has finished (never the one being written). */
  remove(segment: string): boolean {
    if (segment === this.segment) return false;
    rmSync(join(this.dir, segment), { force: true });
    return true;
  }
}

export function listSegments(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => /^\d{8}\.wal$/.test(f)).sort();
  } catch {
    return [];
  }
}

/**
 * Checks a segment's frames from an offset and returns where the intact ones end; a torn or corrupt tail is
 * truncated away (it was never acknowledged). Reads the segment once, keeping nothing.
 */
export async function recoverSegment(dir: string, segment: string, from: number): Promise<number> {
  const fh = await openFile(join(dir, segment), 'r+');
  try {
    const { size } = await fh.stat();
    if (from >= size) return from;
    const { end } = parseFrames(await readAt(fh, from, size - from), segment, from, Infinity, () => null);
    if (end < size) await fh.truncate(end);
    return end;
  } finally {
    await fh.close();
  }
}

/**
 * Reads back acknowledged frames in [from, to) — a stretch the loader did not keep in memory — stopping after about
 * `maxBytes` (always at least one frame). Never truncates: the stretch may lie in the segment still being written.
 * A short or corrupt stretch is an error (the frames were fsync'd before they were acknowledged). The read is
 * asynchronous (libuv's pool), off the thread that answers requests.
 */
export async function readFrames<K>(dir: string, segment: string, from: number, to: number, maxBytes: number, decode: (payload: Buffer) => K): Promise<WalRecord<K>[]> {
  const fh = await openFile(join(dir, segment), 'r');
  try {
    const want = Math.min(to - from, Math.max(maxBytes, 0));
    let buf = await readAt(fh, from, want);
    let { records } = parseFrames(buf, segment, from, to, decode);
    if (!records.length && want < to - from && buf.length >= 8) {
      // One frame larger than the budget: read exactly it.
      buf = await readAt(fh, from, 8 + buf.readUInt32BE(0));
      ({ records } = parseFrames(buf, segment, from, to, decode));
    }
    if (!records.length) throw new Error(`write-ahead log ${segment}: no readable frame at offset ${from}`);
    return records;
  } finally {
    await fh.close();
  }
}

/** Up to `length` bytes of a file from an offset (fewer at its end). */
async function readAt(fh: FileHandle, from: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, from + got);
    if (bytesRead <= 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/** The whole, intact frames at the start of `buf` (which begins at offset `from`), none ending past `to`. */
function parseFrames<K>(buf: Buffer, segment: string, from: number, to: number, decode: (payload: Buffer) => K): { records: WalRecord<K>[]; end: number } {
  const records: WalRecord<K>[] = [];
  let p = 0;
  while (p + 8 <= buf.length) {
    const len = buf.readUInt32BE(p);
    const sum = buf.readUInt32BE(p + 4);
    if (p + 8 + len > buf.length || from + p + 8 + len > to) break;
    const payload = buf.subarray(p + 8, p + 8 + len);
    if (crc32(payload) !== sum) break;
    p += 8 + len;
    records.push({ segment, end: from + p, kept: decode(payload), payload });
  }
  return { records, end: from + p };
}
