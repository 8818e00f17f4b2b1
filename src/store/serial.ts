import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One connection, many async callers (the SQLite state connection, a DuckDB warehouse connection the server's routes
 * share): a transaction holds the connection from BEGIN to COMMIT, and a statement of any other caller waits until it
 * ends (else it would run inside that transaction). Calls made from within the transaction's own async context join
 * it. A context that outlives its transaction (a promise left running) is not in it any more: each transaction has
 * its own token.
 */
export class Serial {
  private readonly context = new AsyncLocalStorage<symbol>();
  private current: symbol | null = null;
  private tail: Promise<void> = Promise.resolve();

  /** True when the caller runs inside the open transaction. */
  get inside(): boolean {
    return this.current !== null && this.context.getStore() === this.current;
  }

  /** Runs one statement now, or after the open transaction of another caller. */
  async statement<T>(run: () => T | Promise<T>): Promise<T> {
    if (this.inside || (this.current === null && this.idle)) return run();
    return this.exclusive(async () => run());
  }

  /** Runs `body` holding the connection; begin/commit/rollback are calls on the connection itself (not through here). */
  async transaction<T>(body: () => Promise<T>, begin: () => unknown, commit: () => unknown, rollback: () => unknown): Promise<T> {
    if (this.inside) return body();
    return this.exclusive(async () => {
      const token = Symbol('transaction');
      this.current = token;
      try {
        await begin();
      } catch (e) {
        this.current = null;
        throw e;
      }
      try {
        const out = await this.context.run(token, body);
        await commit();
        this.current = null;
        return out;
      } catch (e) {
        try {
          await rollback();
        } catch {
          /* the engine already rolled back */
        }
        this.current = null;
        throw e;
      }
    });
  }

  private waiting = 0;
  private get idle(): boolean {
    return this.waiting === 0;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++;
    const run = this.tail.then(fn).finally(() => this.waiting--);
    this.tail = run.then(() => undefined, () => undefined);
    return run;
  }
}
