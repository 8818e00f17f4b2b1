/**
 * Copies of state kept in the warehouse (状态副本), one mechanism for all: a state table whose every change takes the
 * next number of the state-change counter (`change_seq`, allocated by `nextChanges` in the changing transaction, so
 * numbers follow commit order on either engine), copied page by page into the warehouse, each page applied in one
 * warehouse transaction with the copy's watermark (`sync_watermarks`). A copy is brought up to date by the writer
 * right after its state commit, at every open of the store and every few seconds by `siyu serve`: within one process
 * it never lags, across processes and nodes by at most that period. Nothing in the warehouse is authoritative for
 * these rows — a lost page (a crash before the checkpoint) is copied again.
 */
import type { Row, StateStore, Warehouse } from './interfaces.ts';

export interface StateCopy<T extends Row> {
  /** The copy's name (its watermark). */
  name: string;
  /** The state rows changed after `$after`, ordered by change_seq, at most `$limit`; each row has `change_seq`. */
  changedSql: string;
  /** Writes a page into the warehouse (inside the copy's transaction). */
  apply(w: Warehouse, rows: T[]): Promise<void>;
}

const PAGE = 20_000;

/** Numbers for `n` changes, in commit order: the last of them (the first is last - n + 1). */
export async function nextChanges(s: StateStore, n = 1): Promise<number> {
  const r = await s.get<{ value: number }>(`update state_counters set value = value + $n where name = 'changes' returning value`, { n });
  return Number(r!.value);
}

export async function watermark(w: Warehouse, name: string): Promise<number> {
  return w.scalar('select coalesce(max(value), 0) from sync_watermarks where name = $n', { n: name });
}

/** Brings one copy up to date; returns the rows copied. Copies of one store never run concurrently in a process. */
export async function syncCopy<T extends Row>(s: StateStore, w: Warehouse, copy: StateCopy<T>): Promise<number> {
  const key = `${w.file}|${copy.name}`;
  const prior = running.get(key) ?? Promise.resolve(0);
  const next = prior.catch(() => 0).then(() => syncOnce(s, w, copy));
  running.set(key, next);
  try {
    return await next;
  } finally {
    if (running.get(key) === next) running.delete(key);
  }
}

const running = new Map<string, Promise<number>>();

async function syncOnce<T extends Row>(s: StateStore, w: Warehouse, copy: StateCopy<T>): Promise<number> {
  let copied = 0;
  for (;;) {
    const after = await watermark(w, copy.name);
    const rows = await s.all<T>(copy.changedSql, { after, limit: PAGE });
    if (!rows.length) return copied;
    const last = Math.max(...rows.map((r) => Number(r.change_seq)));
    await w.transaction(async () => {
      await copy.apply(w, rows);
      await w.run('delete from sync_watermarks where name = $n', { n: copy.name });
      await w.run('insert into sync_watermarks (name, value) values ($n, $v)', { n: copy.name, v: last });
    });
    copied += rows.length;
    if (rows.length < PAGE) return copied;
  }
}
