import type { Warehouse } from '../../store/interfaces.ts';
import { UserError } from '../../errors.ts';
import { readBytes } from './bytes.ts';
import { hasInnerBlankLine, blankLines, longRecords, withoutRecords, RECORD_TOO_LONG } from './lines.ts';
import { join } from 'node:path';
import { createShift } from './shift.ts';
import type { Structural } from './reasons.ts';

/**
 * JSON Lines (one object per line; keys are the headers, nested values kept as JSON text) or, for a file that
 * opens with `[`, one JSON array of objects (its `_line` is the element's number). A line that is not valid JSON or
 * not an object is rejected with its line number; the others are read. `path` is UTF-8 without a BOM.
 */
export async function stageJsonl(db: Warehouse, prefix: string, given: string, shown: string, tmp: string): Promise<{ table: string; headers: string[]; rows: number; structural: Structural[] }> {
  const array = readBytes(given, 4096).toString('utf8').trimStart().startsWith('[');
  // A line too long for the reader is rejected on its own and read as an empty line (it stopped the whole file).
  const long = array ? [] : longRecords(given, null);
  const path = long.length ? join(tmp, `${prefix}-short.jsonl`) : given;
  if (long.length) await withoutRecords(given, path, long);
  const objects = `${prefix}_rd_json`;
  try {
    // Numbered by position (rowid, in file order), not a row_number() window, which passes every row through one thread.
    await db.run(`create temp table ${objects}_t as select json, json_type(json) as kind
       from read_json_objects($path, format = '${array ? 'array' : 'newline_delimited'}'${array ? '' : ', ignore_errors = true'})`, { path });
    await db.run(`create temp view ${objects} as select (rowid + 1)::bigint as _row, json, kind from ${objects}_t`);
  } catch (e) {
    const why = String((e as Error).message).split('\n')[0].replace(/^[A-Za-z ]*Error: /, '').replace(/ in file "[^"]*"/, '').replace(/\. Parse errors cannot be ignored.*$/, '');
    throw new UserError('json_unreadable', `${shown} is not a readable JSON array: ${why}. (JSON Lines — one object per line — can be read around a broken line.)`,
      `${shown} 不是可读取的 JSON 数组：${why}。（JSON Lines 格式——每行一个对象——可以跳过损坏的行继续读取。）`);
  }
  // read_json_objects skips empty lines: rows below one are a line lower.
  const blank = !array && hasInnerBlankLine(path) ? blankLines(path) : [];
  const shift = `${prefix}_rd_jshift`;
  await createShift(db, shift, 0, blank);
  await db.run(`create temp table ${prefix}_rd_jlined as select o._row, o._row + coalesce(s.k, 0) as _line, o.json, o.kind from ${objects} o asof left join ${shift} s on o._row >= s.t`);
  await db.run(`drop view ${objects}`);
  await db.run(`drop table ${objects}_t`);
  const lined = `${prefix}_rd_jlined`;
  // Every key of every line, in order of first appearance: a key that first shows on a late line (a coupon code on a
  // rare event) is a column too. About 0.4 s per million lines.
  const keys = (await db.all<{ k: string }>(`select k from (select unnest(json_keys(json)) as k, _row from ${lined} where kind = 'OBJECT') group by k order by min(_row), k`)).map((r) => r.k);
  const params: Record<string, string> = {};
  const cols = keys.map((k, i) => ((params[`k${i}`] = k), `json_extract_string(json, $k${i}) as c${i + 1}`)).join(', ');
  const table = `${prefix}_stage`;
  await db.run(`create temp table ${table} as select _row, _line${cols ? ', ' + cols : ''} from ${lined} where kind = 'OBJECT'`, params);
  const what = array ? 'element' : 'line';
  const structural: Structural[] = (await db.all<{ line: number; kind: string | null }>(`select _line as line, kind from ${lined} where kind is distinct from 'OBJECT' order by _line limit 100000`))
    .map((r) => ({ line: Number(r.line), reason: r.kind === null ? `not valid JSON (a broken or cut ${what})` : `not a JSON object (${array ? 'the element' : 'the line'} is ${article(r.kind)})` }));
  structural.push(...long.map((r) => ({ line: r.line, reason: RECORD_TOO_LONG })));
  structural.sort((a, b) => a.line - b.line);
  await db.run(`drop table ${lined}`);
  return { table, headers: keys, rows: await db.scalar(`select count(*) from ${table}`), structural };
}

function article(kind: string): string {
  const k = kind.toLowerCase().replace('varchar', 'string').replace('ubigint', 'number').replace('bigint', 'number').replace('double', 'number');
  return /^[aeiou]/.test(k) ? `an ${k}` : `a ${k}`;
}
