import type { Warehouse } from '../../store/interfaces.ts';

/**
 * Lines that hold no row (rejected, empty) shift the rows below them: `<name>(t, k)` says rows numbered t and up
 * sit k lines lower. Join with `asof left join <name> s on r._row >= s.t` and add `coalesce(s.k, 0)` to
 * `_row + offset`. `skipped` must be ascending and past `offset`.
 */
export async function createShift(db: Warehouse, name: string, offset: number, skipped: number[]): Promise<void> {
  if (!skipped.length) return db.run(`create temp table ${name} (t bigint, k bigint)`);
  // Consecutive skipped lines share a threshold: the row there moves past all of them.
  await db.run(`create temp table ${name} as select t, max(k) as k from (
       select (l - ${offset} - (row_number() over (order by l) - 1))::bigint as t, row_number() over (order by l) as k from (select unnest($lines::bigint[]) as l))
     group by t`, { lines: skipped });
}

/** The same in JS: the line of row k, k past the offset plus every skipped line at or before it. */
export function lineOf(k: number, offset: number, skipped: number[]): number {
  let line = k + offset;
  for (const s of skipped) if (s <= line) line++;
  return line;
}
