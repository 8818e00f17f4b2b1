import type { Warehouse } from '../store/interfaces.ts';

/**
 * When a write-ahead-log segment may go. DuckDB's own log is not replayed after an unclean shutdown (the store
 * opens at its last checkpoint), so a segment is Siyu's only copy of its events until a checkpoint holds them: it is
 * deleted only once (1) the log writes elsewhere, (2) nothing of it waits to be loaded, and (3) a checkpoint that
 * *began after* the last load touching it committed has completed. The loader checkpoints at most every
 * `everyMs` while loads happen (and once more when they stop), on its own connection, between loads.
 */
export class SegmentRetirer {
  /** Loads committed so far; a load's number is this after it. */
  private loads = 0;
  /** The number of loads the last completed checkpoint holds. */
  private held = 0;
  private lastCheckpointAt = Date.now();
  /** Segment → number of the last load that stored part of it. */
  private readonly lastLoad = new Map<string, number>();
  readonly totals = { checkpoints: 0, retired: 0, lastCheckpointMs: 0 };

  constructor(
    private readonly db: Warehouse,
    private readonly remove: (segment: string) => Promise<void>,
    private readonly everyMs = 5000,
    private readonly forceAfterMs = 60_000,
  ) {}

  /** When the oldest load no checkpoint holds yet committed (0: none). */
  private unheldSince = 0;

  /** A load committed, storing records of these segments. */
  committed(segments: Iterable<string>): void {
    this.loads++;
    if (!this.unheldSince) this.unheldSince = Date.now();
    for (const s of segments) this.lastLoad.set(s, this.loads);
  }

  /** A segment whose records were all stored before this process started (held by a checkpoint taken at start). */
  known(segment: string): void {
    if (!this.lastLoad.has(segment)) this.lastLoad.set(segment, this.loads);
  }

  /** Loads committed that no checkpoint holds yet, and the last checkpoint long enough ago. */
  get due(): boolean {
    return this.loads > this.held && Date.now() - this.lastCheckpointAt >= this.everyMs;
  }

  /**
   * Checkpoints the warehouse; afterwards every load committed before it began is in the main file. A plain
   * CHECKPOINT is tried briefly: while another connection's write transaction (an import) blocks it, the loader goes on
   * loading and tries again at the next due time, the segments waiting meanwhile — unless loads have waited for a
   * checkpoint `forceAfterMs` already: then Warehouse.checkpoint, which waits for that transaction (FORCE semantics).
   * Returns whether it checkpointed.
   */
  async checkpoint(opts: { wait?: boolean } = {}): Promise<boolean> {
    const began = this.loads;
    const t0 = performance.now();
    this.lastCheckpointAt = Date.now();
    const wait = opts.wait || (this.unheldSince > 0 && Date.now() - this.unheldSince >= this.forceAfterMs);
    if (wait) await this.db.checkpoint();
    else if (!(await tryCheckpoint(this.db))) return false;
    this.held = Math.max(this.held, began);
    if (this.held >= this.loads) this.unheldSince = 0;
    this.totals.checkpoints++;
    this.totals.lastCheckpointMs = performance.now() - t0;
    return true;
  }

  /**
   * Deletes the segments a checkpoint holds whole. `oldestPending`: the segment of the oldest record still to load
   * (segment names sort in log order); `current`: the one being written.
   */
  async retire(oldestPending: string | undefined, current: string): Promise<void> {
    for (const [segment, load] of [...this.lastLoad]) {
      if (segment === current || load > this.held) continue;
      if (oldestPending !== undefined && oldestPending <= segment) continue;
      this.lastLoad.delete(segment);
      await this.remove(segment);
      this.totals.retired++;
    }
  }
}

/**
 * A plain `CHECKPOINT`, retried a few times while another connection's transaction keeps it from running; false
 * when it still cannot (never FORCE here: that waits for the other transaction, however long an import takes).
 */
export async function tryCheckpoint(db: Warehouse, tries = 3): Promise<boolean> {
  for (let i = 1; ; i++) {
    try {
      await db.run('checkpoint');
      return true;
    } catch (e) {
      if (!/transaction|checkpoint/i.test(String((e as Error)?.message ?? e))) throw e;
      if (i >= tries) return false;
      await new Promise((r) => setTimeout(r, 50 * i));
    }
  }
}
