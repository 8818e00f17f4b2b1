import type { App } from '../app/context.ts';
import type { Warehouse } from '../store/interfaces.ts';
import { paths } from '../config.ts';
import { IdHasher } from '../domain/collect/ids.ts';
import type { CollectedBatch } from '../domain/collect/event.ts';
import { UserError } from '../errors.ts';
import { logError } from '../logging.ts';
import { WriteAheadLog, readFrames } from './wal.ts';
import { Loader, type LoaderStatus } from './loader.ts';
import { decodeKept, keptOf, toEntry, type WalKept } from './entry.ts';
import { allSources, type Source } from './sources.ts';
import { SourceCache, watchSources } from './sourceCache.ts';
import { SegmentRetirer } from './segments.ts';
import { LiveTail } from './tail.ts';
import { IdentityApplier } from './identityApplier.ts';
import { lowerHelperThreads } from './threadPriority.ts';

/**
 * The running collection pipeline of one server: write keys → sources, accepted batches → write-ahead log
 * (acknowledged once fsync'd) → loader → warehouse. Started with the server, it first replays whatever the log
 * holds beyond the loaded offsets (a crash or kill -9 left it there).
 */
export interface CollectorOptions {
  /**
   * Events waiting to be loaded beyond which requests get 429 + Retry-After. Memory does not grow with the backlog
   * (see `memoryBytes`); this bounds the log's disk use and how far stored data may lag behind acknowledged data.
   */
  maxBacklog?: number;
  /** Logged text the loader holds in memory; records waiting beyond it are read back from the log when reached. */
  memoryBytes?: number;
  segmentBytes?: number;
  /** At most how often the loader checkpoints the warehouse while loads happen (default 5 s). */
  checkpointEveryMs?: number;
}

export interface CollectorStatus extends LoaderStatus {
  /** Waiting events past which requests are refused with 429. */
  max_backlog: number;
}

export class Collector {
  readonly hasher: IdHasher;
  readonly tail = new LiveTail();
  /** Rejected requests per source id (bad payloads, limits, backpressure), kept in collect_source_errors too. */
  readonly errors = new Map<number, { count: number; last: string; at: string }>();
  private identityDb: Warehouse | null = null;
  private stopLowering: () => void = () => undefined;
  private unwatch: () => void = () => undefined;
  private constructor(
    readonly app: App,
    private readonly db: Warehouse,
    readonly timezone: string,
    readonly wal: WriteAheadLog<WalKept>,
    readonly loader: Loader,
    readonly maxBacklog: number,
    readonly identity: IdentityApplier,
    readonly sources: SourceCache,
    readonly retirer: SegmentRetirer,
  ) {
    this.hasher = new IdHasher(app.keys);
  }

  static async start(app: App, opts: CollectorOptions = {}): Promise<Collector> {
    const db = await app.warehouse.fork();
    const tz = (await db.get<{ timezone: string }>('select timezone from workspaces where id = $ws', { ws: app.workspaceId }))?.timezone ?? 'Asia/Shanghai';
    const offsets = new Map((await db.all<{ segment: string; loaded_offset: number }>('select segment, loaded_offset from collect_wal_offsets')).map((r) => [r.segment, r.loaded_offset]));
    const sources = new SourceCache(() => allSources(app));
    await sources.reload();
    const walDir = paths.wal(app.dir);
    const readBack = (segment: string, from: number, to: number, maxBytes: number) => readFrames(walDir, segment, from, to, maxBytes, decodeKept);
    let wal: WriteAheadLog<WalKept> | null = null;
    // Runs on the loader's connection, between its loads (its offset row goes after the file: a restart deletes the
    // row of a segment that is gone).
    const retirer = new SegmentRetirer(db, async (segment) => {
      if (wal?.remove(segment)) await db.run('delete from collect_wal_offsets where segment = $s', { s: segment }).catch(() => undefined);
    }, opts.checkpointEveryMs);
    const loader = new Loader(db, app.workspaceId, (id) => sources.nameOf(id), retirer, () => wal?.currentSegment ?? '', readBack, opts.memoryBytes);
    const opened = await WriteAheadLog.open<WalKept>(walDir, offsets, (records) => loader.push(records), opts.segmentBytes);
    wal = opened.wal;
    const { replay, segments } = opened;
    const identityDb = await app.warehouse.fork();
    const identity = new IdentityApplier(app, identityDb, sources);
    const self = new Collector(app, db, tz, wal, loader, opts.maxBacklog ?? 2_000_000, identity, sources, retirer);
    self.identityDb = identityDb;
    for (const r of await db.all<{ source_id: number; errors: number; last_error: string | null; at: string | null }>('select source_id, errors, last_error, cast(last_error_at as varchar) as at from collect_source_errors where workspace_id = $ws', { ws: app.workspaceId })) {
      self.errors.set(r.source_id, { count: Number(r.errors), last: r.last_error ?? '', at: r.at ?? '' });
    }
    // Segments with nothing left to load (all stored before the restart) go once a checkpoint holds them: what this
    // start found stored may still sit only in DuckDB's own log.
    const pending = new Set(replay.map((r) => r.segment));
    const done = segments.filter((s) => !pending.has(s));
    for (const s of done) retirer.known(s);
    if (done.length) {
      try {
        if (await retirer.checkpoint({ wait: true })) await retirer.retire(replay[0]?.segment, wal.currentSegment);
      } catch (e) {
        logError('collect.start.checkpoint', e); // they go with the loader's next checkpoint
      }
    }
    for (const s of offsets.keys()) if (!segments.includes(s)) await db.run('delete from collect_wal_offsets where segment = $s', { s });
    loader.resume(replay);
    loader.start();
    identity.start();
    sources.start();
    self.unwatch = watchSources(app.dir, sources);
    self.stopLowering = lowerHelperThreads([wal.writerThread]);
    running.set(app.dir, self);
    return self;
  }

  /** The source a write key belongs to, or null (from memory: see SourceCache). */
  authenticate(writeKey: string | null | undefined): Source | null {
    return this.sources.byKey(writeKey);
  }

  /** Refuses new work while the loader is behind (the caller answers 429 with Retry-After). */
  checkBackpressure(): void {
    if (this.loader.backlog > this.maxBacklog) {
      throw new UserError('slow_down', `The collector is loading a backlog of ${this.loader.backlog} events; retry shortly.`, `采集服务正在写入积压的 ${this.loader.backlog} 条事件，请稍后重试。`, 429);
    }
  }

  /** Writes a batch ahead; resolves once it is durable (the moment the request may be acknowledged). */
  async accept(source: Source, batch: CollectedBatch, receivedAt: number): Promise<void> {
    if (!batch.events.length && !batch.facts.length && !batch.items?.length) return;
    this.checkBackpressure();
    const entry = toEntry(source.id, receivedAt, batch);
    await this.wal.append(JSON.stringify(entry), keptOf(entry));
    this.tail.add(source.id, batch, receivedAt);
  }

  /** The loader's lag and the backlog limit (`siyu sources list`, `GET /api/v1/sources`). */
  status(): CollectorStatus {
    return { ...this.loader.status(), max_backlog: this.maxBacklog };
  }

  noteError(sourceId: number | null, code: string): void {
    const id = sourceId ?? 0;
    const e = this.errors.get(id) ?? { count: 0, last: '', at: '' };
    const now = Date.now();
    e.count++;
    e.last = code;
    e.at = new Date(now).toISOString();
    this.errors.set(id, e);
    this.loader.noteError(id, code, now);
  }

  /** Stores what is acknowledged, then closes the log (graceful shutdown). */
  async stop(): Promise<void> {
    this.stopLowering();
    this.unwatch();
    await this.sources.stop();
    await this.wal.close();
    await this.loader.stop();
    await this.loader.finish();
    await this.identity.stop();
    running.delete(this.app.dir);
    this.db.close();
    this.identityDb?.close();
  }
}

const running = new Map<string, Collector>();

/** The collector running in this process for a data directory (forwarded `siyu sources list` reads its live tail). */
export function runningCollector(dir: string): Collector | undefined {
  return running.get(dir);
}
