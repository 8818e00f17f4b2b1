import type { Warehouse } from '../store/interfaces.ts';
import type { LogStretch, WalRecord } from './wal.ts';
import type { WalKept } from './entry.ts';
import { logError } from '../logging.ts';
import { isDuplicateKey } from '../store/errors.ts';
import type { EventSchema } from '../domain/collect/schema.ts';
import { loadRecords, type LoadContext } from './loadTransaction.ts';
import { isSystemic, setAside } from './isolate.ts';
import type { SegmentRetirer } from './segments.ts';
import { ErrorCounts } from './errorCounts.ts';

/**
 * Moves acknowledged (write-ahead-logged) entries into the warehouse, one load — one transaction,
 * loadTransaction.ts — at a time. A load that fails on its data is bisected: what loads is stored, and what fails on
 * its own becomes a dead letter (isolate.ts), so one bad event never holds the others back; a failure of the store
 * itself (memory, I/O) is retried whole a second later. Between loads, at most every few seconds, the loader
 * checkpoints the warehouse and deletes the log segments the checkpoint holds (segments.ts).
 *
 * What waits in memory is bounded by `memoryBytes` of logged text. Past it the loader keeps only where the waiting
 * records lie in the log (`Spilled` stretches) and reads them back when it reaches them, like a consumer that has
 * fallen behind reads from disk: a burst longer than the loader can keep up with costs disk, not memory, and is not
 * refused (a refusal stops some clients for good — sa-sdk-node's submitter ends at its first failed request).
 */
export interface LoadResult {
  events: number;
  stored: number;
  duplicates: number;
}

/**
 * A stretch of the log [from, to) whose records wait to be loaded but are not held in memory. `counted`: its events
 * are in the backlog already (spilled on arrival); a stretch found on restart is counted as it is read back.
 */
interface Spilled extends LogStretch {
  counted: boolean;
}

/** Reads back about `maxBytes` of records from a spilled stretch (at least one record). */
export type ReadBack = (segment: string, from: number, to: number, maxBytes: number) => Promise<WalRecord<WalKept>[]>;

export interface LoaderStatus {
  waiting_events: number;
  dead_letters: number;
  in_memory_bytes: number;
  on_disk_bytes: number;
  memory_limit_bytes: number;
  loads: number;
  stored: number;
  duplicates: number;
  read_back: number;
  errors: number;
  last_load_ms: number;
}

export class Loader {
  private queue: WalRecord<WalKept>[] = [];
  /** Log text held by `queue`. */
  private heldBytes = 0;
  /** Waiting records past the memory bound, oldest first; all of them come after everything in `queue`. */
  private spilled: Spilled[] = [];
  private queuedEvents = 0;
  private running = false;
  private wake: (() => void) | null = null;
  private stopped = false;
  private schemas = new Map<string, EventSchema>();
  private schemasAt = 0;
  private idle: Promise<void> = Promise.resolve();
  /** Totals since start, for operations and the benchmark. */
  readonly totals = { loads: 0, events: 0, stored: 0, duplicates: 0, facts: 0, errors: 0, lastLoadMs: 0, /** loads redone with `insert or ignore` after a duplicate messageId */ redone: 0, /** records read back from the log (they waited past the memory bound) */ readBack: 0, /** the most log text held in memory at once */ peakHeldBytes: 0, /** events, facts and items set aside as dead letters */ deadLetters: 0, /** loads that failed on their data and were bisected */ isolated: 0 };
  /** The records of the load in progress, oldest first (taken off the queue; each leaves once stored). */
  private inflight: WalRecord<WalKept>[] = [];

  constructor(
    private readonly db: Warehouse,
    private readonly workspaceId: number,
    private readonly sourceName: (id: number) => string,
    private readonly retirer: SegmentRetirer,
    private readonly currentSegment: () => string,
    private readonly readBack: ReadBack,
    private readonly memoryBytes = 64 * 1024 * 1024,
    private readonly maxEventsPerLoad = 20_000,
    private readonly loadEveryMs = 250,
  ) {}

  private lastLoadAt = 0;

  /** Rejected requests per source not yet written to collect_source_errors. */
  private readonly errorCounts = new ErrorCounts();

  /** Counts a rejected request; written within about half a second. */
  noteError(sourceId: number, code: string, at: number): void {
    this.errorCounts.note(sourceId, code, at);
  }

  /** Events handed over but not yet stored: the backpressure signal. */
  get backlog(): number {
    return this.queuedEvents;
  }

  /**
   * How far storing lags behind acknowledging, for operators: events waiting (those of a restart's replay counted
   * once read), the logged text of them held in memory and left on disk, and the totals since start.
   */
  status(): LoaderStatus {
    const onDisk = this.spilled.reduce((n, s) => n + (s.to - s.from), 0);
    return { waiting_events: this.queuedEvents, dead_letters: this.totals.deadLetters, in_memory_bytes: this.heldBytes, on_disk_bytes: onDisk, memory_limit_bytes: this.memoryBytes, loads: this.totals.loads, stored: this.totals.stored, duplicates: this.totals.duplicates, read_back: this.totals.readBack, errors: this.totals.errors, last_load_ms: Math.round(this.totals.lastLoadMs) };
  }

  push(records: WalRecord<WalKept>[]): void {
    for (const r of records) {
      this.queuedEvents += r.kept.n;
      if (this.spilled.length || this.heldBytes + r.payload.length > this.memoryBytes) this.spill(r);
      else this.hold(r);
    }
    this.wake?.();
  }

  /** Queues what a restart found in the log past the loaded offsets (read back as the loader reaches it). */
  resume(stretches: LogStretch[]): void {
    for (const s of stretches) this.spilled.push({ ...s, counted: false });
    this.wake?.();
  }

  private hold(r: WalRecord<WalKept>): void {
    this.queue.push(r);
    this.heldBytes += r.payload.length;
    if (this.heldBytes > this.totals.peakHeldBytes) this.totals.peakHeldBytes = this.heldBytes;
  }

  /** Keeps only where the record lies in the log (contiguous records of a segment make one stretch). */
  private spill(r: WalRecord<WalKept>): void {
    const start = r.end - 8 - r.payload.length;
    const last = this.spilled[this.spilled.length - 1];
    if (last && last.counted && last.segment === r.segment && last.to === start) last.to = r.end;
    else this.spilled.push({ segment: r.segment, from: start, to: r.end, counted: true });
  }

  /**
   * Moves the oldest spilled records (about a load's worth of text) back into memory. Safe across the read's await:
   * meanwhile new records only extend or follow the stretches (the queue is empty and stays so while any are spilled).
   */
  private async readSpilled(): Promise<void> {
    const s = this.spilled[0];
    const budget = Math.max(1, Math.min(this.memoryBytes, 16 * 1024 * 1024));
    const records = await this.readBack(s.segment, s.from, s.to, budget);
    s.from = records[records.length - 1].end;
    if (s.from >= s.to) this.spilled.shift();
    for (const r of records) {
      this.hold(r);
      if (!s.counted) this.queuedEvents += r.kept.n;
    }
    this.totals.readBack += records.length;
  }

  /** The segment of the oldest record still to load (being loaded, held, or waiting in the log). */
  get oldestPendingSegment(): string | undefined {
    return this.inflight[0]?.segment ?? this.queue[0]?.segment ?? this.spilled[0]?.segment;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.idle = this.loop();
  }

  /** Loads what is queued, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.idle;
  }

  /** Resolves once everything queued so far is stored (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length || this.spilled.length || this.busy) await new Promise((r) => setTimeout(r, 10));
  }

  private busy = false;

  private async loop(): Promise<void> {
    while (true) {
      if (this.errorCounts.pending) await this.errorCounts.write(this.db, this.workspaceId);
      if (this.retirer.due) await this.checkpoint();
      if (!this.queue.length && this.spilled.length) {
        try {
          await this.readSpilled();
        } catch (e) {
          this.totals.errors++;
          logError('collect.loader.readBack', e, { segment: this.spilled[0].segment, from: this.spilled[0].from });
          if (this.stopped) return;
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
      }
      if (!this.queue.length) {
        if (this.stopped) return;
        await new Promise<void>((r) => {
          this.wake = r;
          setTimeout(r, 500);
        });
        this.wake = null;
        continue;
      }
      // Let more requests arrive: fewer, larger transactions cost DuckDB less per event (each load has a fixed cost
      // of about 15 ms of CPU, and its commit). A lone request waits 20 ms; under a steady stream loads start at
      // most every `loadEveryMs`, unless half a load's worth is already waiting.
      if (!this.stopped && !this.spilled.length && this.queuedEvents < this.maxEventsPerLoad / 2) {
        const wait = Math.max(this.queuedEvents < 2_000 ? 20 : 0, this.loadEveryMs - (performance.now() - this.lastLoadAt));
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      let n = 0;
      while (this.queue.length && n < this.maxEventsPerLoad) {
        const r = this.queue.shift()!;
        this.inflight.push(r);
        n += r.kept.n;
      }
      this.busy = true;
      try {
        const t0 = performance.now();
        this.lastLoadAt = t0;
        await this.loadIsolating(this.inflight.slice());
        this.totals.lastLoadMs = performance.now() - t0;
      } catch (e) {
        this.totals.errors++;
        logError('collect.loader', e, { records: this.inflight.length });
        // What is not stored goes back to the head of the queue; on shutdown it stays in the log for the next start.
        this.queue.unshift(...this.inflight.splice(0));
        if (this.stopped) return;
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        this.busy = false;
      }
    }
  }

  /** Checkpoints the warehouse and deletes the log segments it now holds (a failure is retried at the next one). */
  private async checkpoint(): Promise<void> {
    try {
      if (await this.retirer.checkpoint({ wait: this.stopped })) await this.retirer.retire(this.oldestPendingSegment, this.currentSegment());
    } catch (e) {
      logError('collect.loader.checkpoint', e);
    }
  }

  /** A last checkpoint once everything is loaded (shutdown), so the segments it holds go too. */
  async finish(): Promise<void> {
    await this.checkpoint();
  }

  /**
   * Loads records (oldest first), whole or — when the load fails on its data — by halves, the first before the
   * second so the log offset only ever moves past what is stored, down to the one record that fails, which is
   * stored without its parts that fail on their own (isolate.ts). Each record leaves the in-flight list as it is.
   */
  private async loadIsolating(records: WalRecord<WalKept>[]): Promise<void> {
    try {
      await this.load(records);
    } catch (e) {
      if (isSystemic(e)) throw e;
      if (records.length === 1) {
        const dead = await setAside(this.context(), records[0], e);
        this.totals.deadLetters += dead;
        this.retirer.committed([records[0].segment]);
        this.stored(records);
        return;
      }
      this.totals.isolated++;
      const mid = records.length >> 1;
      await this.loadIsolating(records.slice(0, mid));
      await this.loadIsolating(records.slice(mid));
      return;
    }
    this.stored(records);
  }

  /** Records stored (or set aside): they leave the in-flight list and the backlog. */
  private stored(records: WalRecord<WalKept>[]): void {
    this.inflight.splice(0, records.length);
    for (const r of records) {
      this.queuedEvents -= r.kept.n;
      this.heldBytes -= r.payload.length;
    }
  }

  private context(): LoadContext {
    return { db: this.db, workspaceId: this.workspaceId, sourceName: this.sourceName, schemas: this.schemas };
  }

  /**
   * Loads with a plain `insert` (the primary key still refuses a stored messageId) and, when a duplicate makes it
   * fail, loads the same records again with `insert or ignore`, which then stays on for the next loads: resent
   * messages come in bursts (an SDK retrying after a timeout), and `or ignore` costs DuckDB about three times the
   * plain insert, CPU the HTTP path needs.
   */
  private async load(batch: WalRecord<WalKept>[]): Promise<void> {
    await this.refreshSchemas();
    const ignore = this.ignoreLoads > 0;
    if (ignore) this.ignoreLoads--;
    let out;
    try {
      out = await loadRecords(this.context(), batch, { ignoreDuplicates: ignore });
    } catch (e) {
      if (ignore || !isDuplicateKey(e)) throw e;
      this.ignoreLoads = 20;
      this.totals.redone++;
      out = await loadRecords(this.context(), batch, { ignoreDuplicates: true });
    }
    this.totals.loads++;
    this.totals.events += out.events;
    this.totals.stored += out.stored;
    this.totals.duplicates += out.events - out.stored;
    this.totals.facts += out.facts;
    this.retirer.committed(new Set(batch.map((r) => r.segment)));
  }

  /** Loads left that use `insert or ignore` (set after a duplicate messageId was met). */
  private ignoreLoads = 0;

  /** Makes the next load re-read the event schemas. */
  invalidateSchemas(): void {
    this.schemasAt = 0;
  }

  /** Event schemas, re-read at most every 5 s (a schema set from the CLI applies within seconds). */
  private async refreshSchemas(): Promise<void> {
    if (Date.now() - this.schemasAt < 5000) return;
    this.schemasAt = Date.now();
    const r = await this.db.all('select event, cast(schema as varchar) as schema from collect_event_schemas where workspace_id = $ws', { ws: this.workspaceId });
    this.schemas = new Map(r.map((x) => [String(x.event), JSON.parse(String(x.schema)) as EventSchema]));
  }
}
