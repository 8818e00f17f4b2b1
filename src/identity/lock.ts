/**
 * Identity writes one at a time in this process (身份写入串行化). customer_identifiers has no unique index (an ART
 * index made bulk imports several times slower and did not fit in memory at scale), so two units of work that
 * resolve identities on different connections (an HTTP import and the collector) must not both insert the same
 * unseen identifier: each runs its resolve-and-commit under this lock. Only one process writes a DuckDB file.
 */
let tail: Promise<unknown> = Promise.resolve();

export function withIdentityLock<T>(fn: () => Promise<T>): Promise<T> {
  const run = tail.then(fn, fn);
  tail = run.catch(() => undefined);
  return run;
}
