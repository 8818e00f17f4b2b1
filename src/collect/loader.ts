import type { Warehouse } from '../store/interfaces.ts';
import type { LogStretch, WalRecord } from './wal.ts';
import type { WalKept } from './entry.ts';
import { logError } from '../logging.ts';
import type { EventSchema } from '../domain/collect/schema.ts';
import { countSource, countViolation, findViolations, insertFacts, moveOffset, stageEvents, upsertItems, type Violation } from './loadRows.ts';

/**
 * Moves acknowledged (write-ahead-logged) entries into the warehouse `events` table. Each load is one transaction:
 * the events (the log's JSON text unpacked by DuckDB into a staging table, then inserted into `events`, whose primary key de-duplicates
 * the messageId per source), the identity facts, the per-source counters and the WAL offsets all commit together,
 * so a crash at any point replays exactly what is not yet stored.
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
  private staged = false;
  private schemas = new Map<string, EventSchema>();
  private schemasAt = 0;
  private idle: Promise<void> = Promise.resolve();
  /** Totals since start, for operations and the benchmark. */
  readonly totals = { loads: 0, events: 0, stored: 0, duplicates: 0, facts: 0, errors: 0, lastLoadMs: 0, /** loads redone with `insert or ignore` after a duplicate messageId */ redone: 0, /** records read back from the log (they waited past the memory bound) */ readBack: 0, /** the most log text held in memory at once */ peakHeldBytes: 0 };

  constructor(
    private readonly db: Warehouse,
    private readonly workspaceId: number,
    private readonly sourceName: (id: number) => string,
    private readonly onSegmentDone: (segment: string) => void,
    private readonly readBack: ReadBack,
    private readonly memoryBytes = 64 * 1024 * 1024,
    private readonly maxEventsPerLoad = 20_000,
    private readonly loadEveryMs = 250,
  ) {}

  private lastLoadAt = 0;

  /** Rejected requests per source not yet written to collect_source_errors. */
  private errorDeltas = new Map<number, { count: number; last: string; at: number }>();

  /** Counts a rejected request; written with the next load or within about half a second. */
  noteError(sourceId: number, code: string, at: number): void {
    const d = this.errorDeltas.get(sourceId) ?? { count: 0, last: code, at };
    d.count++;
    d.last = code;
    d.at = at;
    this.errorDeltas.set(sourceId, d);
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
    return { waiting_events: this.queuedEvents, in_memory_bytes: this.heldBytes, on_disk_bytes: onDisk, memory_limit_bytes: this.memoryBytes, loads: this.totals.loads, stored: this.totals.stored, duplicates: this.totals.duplicates, read_back: this.totals.readBack, errors: this.totals.errors, last_load_ms: Math.round(this.totals.lastLoadMs) };
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

  /** The segment of the oldest record still to load. */
  private get nextSegment(): string | undefined {
    return this.queue[0]?.segment ?? this.spilled[0]?.segment;
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
      if (this.errorDeltas.size) await this.writeErrors();
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
      const batch: WalRecord<WalKept>[] = [];
      let n = 0;
      while (this.queue.length && n < this.maxEventsPerLoad) {
        const r = this.queue.shift()!;
        batch.push(r);
        n += r.kept.n;
      }
      this.busy = true;
      try {
        const t0 = performance.now();
        this.lastLoadAt = t0;
        await this.load(batch);
        this.totals.lastLoadMs = performance.now() - t0;
        this.queuedEvents -= n;
        for (const r of batch) this.heldBytes -= r.payload.length;
      } catch (e) {
        this.totals.errors++;
        logError('collect.loader', e, { records: batch.length, events: n });
        this.queue.unshift(...batch);
        // On shutdown, what could not be stored stays in the write-ahead log for the next start.
        if (this.stopped) return;
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        this.busy = false;
      }
    }
  }

  /**
   * Loads with a plain `insert` (the primary key still refuses a stored messageId) and, when a duplicate makes it
   * fail, rolls back and loads the same records again with `insert or ignore`, which then stays on for the next
   * loads: resent messages come in bursts (an SDK retrying after a timeout), and `or ignore` costs DuckDB about three
   * times the plain insert, CPU the HTTP path needs.
   */
  private async load(batch: WalRecord<WalKept>[]): Promise<void> {
    if (this.ignoreLoads > 0) {
      this.ignoreLoads--;
      return this.loadOnce(batch, true);
    }
    try {
      await this.loadOnce(batch, false);
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      this.ignoreLoads = 20;
      this.totals.redone++;
      await this.loadOnce(batch, true);
    }
  }

  /** Loads left that use `insert or ignore` (set after a duplicate messageId was met). */
  private ignoreLoads = 0;

  private async loadOnce(batch: WalRecord<WalKept>[], ignoreDuplicates: boolean): Promise<void> {
    const c = this.db;
    if (!this.staged) {
      await c.run(`create temp table if not exists collect_stage (source_id integer, event_id varchar, anonymous_key varchar, user_key varchar, type varchar, occurred_ms bigint, event_date varchar, properties varchar, received_ms bigint)`);
      this.staged = true;
    }
    await this.refreshSchemas(c);
    const violations = new Map<string, Violation>();
    const perSource = new Map<number, { events: number; lastSeen: number; facts: number }>();
    const offsets = new Map<string, number>();
    for (const r of batch) {
      const { s, r: received, n, f } = r.kept;
      const st = perSource.get(s) ?? { events: 0, lastSeen: 0, facts: 0 };
      perSource.set(s, st);
      st.events += n;
      st.lastSeen = Math.max(st.lastSeen, received);
      st.facts += f.length;
      offsets.set(r.segment, Math.max(offsets.get(r.segment) ?? 0, r.end));
      if (this.schemas.size) findViolations(this.schemas, r.payload, violations);
    }
    await c.run('begin transaction');
    try {
      await stageEvents(c, batch);
      let stored = 0;
      let events = 0;
      for (const [sourceId, st] of perSource) {
        const inserted = await this.insertSource(c, sourceId, ignoreDuplicates);
        stored += inserted;
        events += st.events;
        await countSource(c, this.workspaceId, sourceId, inserted, st.events - inserted, st.facts, st.lastSeen);
      }
      this.totals.facts += await insertFacts(c, this.workspaceId, batch);
      await upsertItems(c, this.workspaceId, batch);
      for (const v of violations.values()) await countViolation(c, this.workspaceId, v);
      for (const [segment, end] of offsets) await moveOffset(c, segment, end);
      await c.run('delete from temp.collect_stage');
      await c.run('commit');
      this.totals.loads++;
      this.totals.events += events;
      this.totals.stored += stored;
      this.totals.duplicates += events - stored;
    } catch (e) {
      await c.run('rollback').catch(() => undefined);
      await c.run('delete from temp.collect_stage').catch(() => undefined);
      throw e;
    }
    // A segment the log has moved past, and whose last frame is now stored, is no longer needed.
    for (const segment of offsets.keys()) if (this.nextSegment !== segment) this.onSegmentDone(segment);
  }

  /** Writes the counted rejections (outside any load: the loop is the connection's only user). */
  private async writeErrors(): Promise<void> {
    const deltas = this.errorDeltas;
    this.errorDeltas = new Map();
    try {
      for (const [sid, d] of deltas) {
        await this.db.run(
          `insert into collect_source_errors (workspace_id, source_id, errors, last_error, last_error_at) values ($ws, $sid, $n, $code, epoch_ms(cast($at as bigint)))
           on conflict (workspace_id, source_id) do update set errors = collect_source_errors.errors + excluded.errors, last_error = excluded.last_error, last_error_at = excluded.last_error_at`,
          { ws: this.workspaceId, sid, n: d.count, code: d.last, at: d.at },
        );
      }
    } catch (e) {
      logError('collect.loader.errors', e, { sources: deltas.size });
    }
  }

  /** Makes the next load re-read the event schemas. */
  invalidateSchemas(): void {
    this.schemasAt = 0;
  }

  /** Event schemas, re-read at most every 5 s (a schema set from the CLI applies within seconds). */
  private async refreshSchemas(c: Warehouse): Promise<void> {
    if (Date.now() - this.schemasAt < 5000) return;
    this.schemasAt = Date.now();
    const r = await c.all('select event, cast(schema as varchar) as schema from collect_event_schemas where workspace_id = $ws', { ws: this.workspaceId });
    this.schemas = new Map(r.map((x) => [String(x.event), JSON.parse(String(x.schema)) as EventSchema]));
  }

  /** Stores one source's staged events; events whose user is already linked join their customer right away. */
  private async insertSource(c: Warehouse, sourceId: number, ignoreDuplicates: boolean): Promise<number> {
    return c.changes(
      `insert ${ignoreDuplicates ? 'or ignore ' : ''}into events (workspace_id, event_id, customer_id, anonymous_key, type, occurred_at, event_date, properties, source, received_at)
       select $ws, s.event_id, coalesce(u.customer_id, a.customer_id), s.anonymous_key, s.type, epoch_ms(s.occurred_ms), cast(s.event_date as date),
              cast(s.properties as json), $source, epoch_ms(s.received_ms)
       from temp.collect_stage s
       left join customer_identifiers u on u.workspace_id = $ws and u.id_type = 'user_id' and u.namespace = '' and u.id_hash = s.user_key
       left join customer_identifiers a on a.workspace_id = $ws and a.id_type = 'anonymous_id' and a.namespace = '' and a.id_hash = s.anonymous_key
       where s.source_id = $sid`,
      { ws: this.workspaceId, sid: sourceId, source: this.sourceName(sourceId) },
    );
  }
}

/** DuckDB's answer to an insert that repeats a primary key. */
function isDuplicateKey(e: unknown): boolean {
  const m = String((e as Error)?.message ?? e);
  return /constraint/i.test(m) && /duplicate key|primary key/i.test(m);
}
