/**
 * How many HTTP import jobs run at once (导入并发): each holds a file's staged rows and DuckDB's working memory, so
 * a server runs at most `atOnce` of them; up to `waiting` more are accepted and wait their turn in arrival order; an
 * upload beyond that is refused before its body is read (429, try again later). A place is taken when the upload
 * begins, so uploads still arriving count too.
 */
export class ImportQueue {
  private running = 0;
  private readonly queue: { id: string; go: () => void }[] = [];
  private reserved = 0;

  constructor(readonly atOnce: number, readonly waiting: number) {}

  /** Takes a place for an upload about to be read; false when every place is taken. */
  reserve(): boolean {
    if (this.running + this.queue.length + this.reserved >= this.atOnce + this.waiting) return false;
    this.reserved++;
    return true;
  }

  /** The upload's place is given back (it was refused or failed before it became a job). */
  cancel(): void {
    this.reserved--;
  }

  /** True while the job waits for its turn. */
  isWaiting(id: string): boolean {
    return this.queue.some((q) => q.id === id);
  }

  /** Resolves when the reserved job may run; the function it returns ends its turn. */
  async turn(id: string): Promise<() => void> {
    this.reserved--;
    if (this.running < this.atOnce) this.running++;
    else await new Promise<void>((go) => this.queue.push({ id, go }));
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) next.go();
      else this.running--;
    };
  }
}

/** Import jobs a server runs at once, and how many more it accepts to wait (docs/import.md). */
export const IMPORT_JOBS_AT_ONCE = 2;
export const IMPORT_JOBS_WAITING = 8;
