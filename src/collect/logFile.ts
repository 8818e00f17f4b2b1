import { Worker } from 'node:worker_threads';

/**
 * The write-ahead log's file, written and fdatasync'd on a thread of its own (日志写入线程) rather than on libuv's
 * shared pool. On the pool an fsync queued behind DuckDB's statements (they run there too, a load or a checkpoint
 * holding a pool thread for hundreds of milliseconds), and once the collector lowered the pool's priority
 * (threadPriority.ts) its completion also waited for a core; every request waiting for its acknowledgement waited
 * with it. This thread's id (`tid`, Linux) is left at the request thread's priority.
 *
 * One request at a time in order (the log's group commit already serialises them): open a segment, append + sync
 * a buffer, close.
 */
const CODE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
let fd = -1;
let tid = 0;
try { tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop()) || 0; } catch {}
parentPort.postMessage({ tid });
parentPort.on('message', (m) => {
  try {
    if (m.op === 'open') {
      if (fd >= 0) fs.closeSync(fd);
      fd = fs.openSync(m.path, 'a');
    } else if (m.op === 'append') {
      if (fd < 0) throw new Error('write-ahead log is closed');
      const b = m.buf;
      let w = 0;
      while (w < b.length) w += fs.writeSync(fd, b, w, b.length - w, null);
      fs.fdatasyncSync(fd);
    } else if (m.op === 'close') {
      if (fd >= 0) fs.closeSync(fd);
      fd = -1;
    }
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String((e && e.message) || e) });
  }
});
`;

export class LogFile {
  private pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private dead: Error | null = null;

  private constructor(private readonly worker: Worker, readonly tid: number) {
    worker.on('message', (m: { ok: boolean; error?: string }) => {
      const p = this.pending.shift();
      if (!p) return;
      if (m.ok) p.resolve();
      else p.reject(new Error(m.error));
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', () => this.fail(new Error('the write-ahead log thread stopped')));
  }

  static async start(): Promise<LogFile> {
    const worker = new Worker(CODE, { eval: true });
    const tid = await new Promise<number>((resolve, reject) => {
      worker.once('message', (m: { tid: number }) => resolve(m.tid));
      worker.once('error', reject);
    });
    return new LogFile(worker, tid);
  }

  open(path: string): Promise<void> {
    return this.call({ op: 'open', path });
  }

  /** Appends the bytes and fdatasyncs: resolves once they are durable. */
  append(buf: Buffer): Promise<void> {
    return this.call({ op: 'append', buf });
  }

  async close(): Promise<void> {
    try {
      if (!this.dead) await this.call({ op: 'close' });
    } finally {
      this.dead ??= new Error('write-ahead log is closed');
      await this.worker.terminate();
    }
  }

  private call(msg: object): Promise<void> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(msg);
    });
  }

  private fail(e: Error): void {
    this.dead ??= e;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}
