import type { Warehouse } from '../../store/interfaces.ts';
import { isOutOfMemory } from '../../store/errors.ts';
import { UserError } from '../../errors.ts';

/**
 * A Parquet file's columns as text, written the way the coercions read them: a timestamp with a time zone as UTC
 * with `Z` (DuckDB's own text, `2024-03-05 06:03:00+00`, carries a short offset the date coercion does not take), a
 * nanosecond timestamp to the microsecond, a whole float without `.0` (a phone number or member number a data team
 * stored as DOUBLE is `13800138000`, not `13800138000.0`), nested values as JSON.
 */
function asText(type: string, i: number): string {
  const c = `#${i}`;
  if (/STRUCT|MAP|\[\]|LIST|JSON|UNION/.test(type)) return `to_json(${c})::varchar`;
  if (type === 'TIMESTAMP WITH TIME ZONE') return `strftime(timezone('UTC', ${c}), '%Y-%m-%dT%H:%M:%S.%fZ')`;
  if (type === 'TIMESTAMP_NS') return `${c}::timestamp::varchar`;
  if (type === 'DOUBLE' || type === 'FLOAT') return `case when isfinite(${c}) and ${c} = trunc(${c}) and abs(${c}) < 1e15 then ${c}::hugeint::varchar else ${c}::varchar end`;
  return `${c}::varchar`;
}

export async function stageParquet(db: Warehouse, prefix: string, path: string, shown: string): Promise<{ table: string; headers: string[]; rows: number }> {
  let desc: { column_name: string; column_type: string }[];
  try {
    desc = await db.all(`select column_name, column_type from (describe select * from read_parquet($path))`, { path });
  } catch (e) {
    const why = (e as Error).message.split('\n')[0].replace(/^[A-Za-z ]*Error: /, '').replace(/ ?'[^']*'/, '');
    throw new UserError('parquet_unreadable', `${shown} is not a readable Parquet file (${why}): is it complete?`, `${shown} 不是可读取的 Parquet 文件（${why}），文件是否完整？`);
  }
  const cols = desc.map((d, i) => `${asText(d.column_type, i + 1)} as c${i + 1}`).join(', ');
  const table = `${prefix}_stage`;
  try {
    // Numbered by position (rowid, in file order), not a row_number() window, which passes every row through one thread.
    await db.run(`create temp table ${prefix}_rd_pq as select ${cols} from read_parquet($path)`, { path });
    await db.run(`create temp view ${table} as select (rowid + 1)::bigint as _row, (rowid + 1)::bigint as _line, * from ${prefix}_rd_pq`);
  } catch (e) {
    if (isOutOfMemory(e)) throw e;
    const why = (e as Error).message.split('\n')[0].replace(/^[A-Za-z ]*Error: /, '');
    throw new UserError('parquet_unreadable', `${shown} cannot be read to the end (${why}): is it complete?`, `${shown} 无法完整读取（${why}），文件是否完整？`);
  }
  return { table, headers: desc.map((d) => d.column_name), rows: await db.scalar(`select count(*) from ${table}`) };
}
