import { statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isOutOfMemory, type Database } from '../../store/duckdb/database.ts';
import type { Encoding, FileFormat } from '../types.ts';
import { detectEncoding, toUtf8 } from './encoding.ts';
import { sampleText, detectDelimiter, readHeader, widestRow } from './header.ts';
import { xlsxToCsv } from './xlsx.ts';
import { UserError } from '../../errors.ts';

export interface StageOptions {
  format?: FileFormat;
  encoding?: Encoding;
  delimiter?: string;
  header?: boolean;
  names?: string[];
  sheet?: string;
  /** Scratch directory for transcoded copies. */
  tmp: string;
}

/**
 * A file loaded as text into `<prefix>_stage(_row, _line, c1 … cN)` (a table, or a view over `<prefix>_raw`):
 * every value VARCHAR, empty as NULL. `dropStaged` frees it once the typed rows exist.
 */
export interface StagedFile {
  table: string;
  headers: string[];
  rows: number;
  format: FileFormat;
  encoding: string;
  /** Lines the reader could not split into fields (too many columns, broken quotes, bad JSON). */
  structural: { line: number; reason: string }[];
}

export function formatOf(path: string, given?: FileFormat): FileFormat {
  if (given) return given;
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.parquet') return 'parquet';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.xls') throw new UserError('xls_unsupported', 'Old .xls workbooks cannot be read: save the sheet as .xlsx or CSV.', '无法读取旧版 .xls 工作簿：请另存为 .xlsx 或 CSV。');
  return 'csv';
}

export async function stageFile(db: Database, prefix: string, path: string, o: StageOptions): Promise<StagedFile> {
  const format = formatOf(path, o.format);
  if (statSync(path).size === 0) throw new UserError('file_empty', `${path} is empty.`, `${path} 是空文件。`);
  if (format === 'parquet') return stageParquet(db, prefix, path);
  if (format === 'jsonl') return stageJsonl(db, prefix, path);
  let csv = path;
  let encoding: string;
  let delimiter = o.delimiter ?? (format === 'tsv' ? '\t' : undefined);
  if (format === 'xlsx') {
    csv = join(o.tmp, `${prefix}.csv`);
    encoding = `xlsx:${(await xlsxToCsv(path, csv, o.sheet)).sheet}`;
    delimiter = ',';
  } else {
    const enc = detectEncoding(path, o.encoding);
    encoding = enc;
    if (enc !== 'utf8' || format === 'whitespace') {
      csv = join(o.tmp, `${prefix}.utf8`);
      await toUtf8(path, csv, enc, { whitespace: format === 'whitespace' });
      if (format === 'whitespace') delimiter = '\t';
    }
  }
  const sample = sampleText(csv);
  if (!sample.trim()) throw new UserError('file_empty', `${path} has no rows.`, `${path} 没有数据行。`);
  delimiter ??= detectDelimiter(sample);
  const header = o.header ?? true;
  const headers = o.names ?? (header ? readHeader(sample, delimiter) : Array.from({ length: widestRow(sample, delimiter) }, (_, i) => `column_${i + 1}`));
  const cols = headers.map((_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
  const table = `${prefix}_stage`;
  const read = (parallel: boolean) => db.run(
    `create temp table ${prefix}_raw as select (row_number() over ())::bigint as _row, * from read_csv($path, auto_detect = false, columns = {${cols}},
       header = $header, delim = $delim, quote = '"', escape = '"', null_padding = true, strict_mode = true, max_line_size = 4194304,
       parallel = ${parallel}, store_rejects = true, rejects_table = '${prefix}_rj', rejects_scan = '${prefix}_rs')`,
    { path: csv, header, delim: delimiter },
  );
  try {
    await read(true);
  } catch (e) {
    const msg = String((e as Error).message);
    // Quoted line breaks with ragged rows need the single-threaded reader; anything else is a file we cannot split.
    if (/parallel/i.test(msg)) {
      await db.run(`drop table if exists ${prefix}_rj`);
      await db.run(`drop table if exists ${prefix}_rs`);
      await read(false).catch((e2) => unreadable(path, e2));
    } else unreadable(path, e);
  }
  const rejects = await db.all<{ line: number; error_type: string; column_name: string | null }>(`select line, error_type, column_name from ${prefix}_rj order by line`);
  const h = header ? 1 : 0;
  if (!rejects.length) {
    await db.run(`create temp view ${table} as select _row, _row + ${h} as _line, * exclude (_row) from ${prefix}_raw`);
  } else {
    // Good rows keep their own line numbers: after the i-th rejected line, rows shift by i.
    await db.run(`create temp table ${prefix}_shift as select line - ${h} - (row_number() over (order by line) - 1) as t, row_number() over (order by line) as k from ${prefix}_rj`);
    await db.run(`create temp table ${table} as select r._row, r._row + ${h} + coalesce(s.k, 0) as _line, r.* exclude (_row) from ${prefix}_raw r asof left join ${prefix}_shift s on r._row >= s.t`);
    await db.run(`drop table ${prefix}_raw`);
  }
  const rows = await db.scalar(`select count(*) from ${table}`);
  const structural = rejects.map((r) => ({ line: Number(r.line), reason: r.error_type.toLowerCase() + (r.column_name ? ` (at ${r.column_name.replace(/^c/, 'column ')})` : '') }));
  return { table, headers, rows, format, encoding, structural };
}

export async function dropStaged(db: Database, prefix: string): Promise<void> {
  const kind = await db.get<{ t: string }>(`select table_type as t from information_schema.tables where table_name = $n`, { n: `${prefix}_stage` });
  if (kind) await db.run(kind.t === 'VIEW' ? `drop view ${prefix}_stage` : `drop table ${prefix}_stage`);
  await db.run(`drop table if exists ${prefix}_raw`);
}

function unreadable(path: string, e: unknown): never {
  // A buffer pool too small for the reader is not a fault of the file: the import retries it with more memory.
  if (isOutOfMemory(e)) throw e;
  const first = String((e as Error).message).split('\n')[0].replace(/^[A-Za-z ]*Error: /, '');
  throw new UserError('csv_unreadable', `${path} cannot be read as delimited text: ${first}`, `无法按分隔文本读取 ${path}：${first}`);
}

async function stageParquet(db: Database, prefix: string, path: string): Promise<StagedFile> {
  let desc: { column_name: string; column_type: string }[];
  try {
    desc = await db.all(`select column_name, column_type from (describe select * from read_parquet($path))`, { path });
  } catch (e) {
    throw new UserError('parquet_unreadable', `${path} is not a readable Parquet file (${(e as Error).message.split('\n')[0]}).`, `${path} 不是可读取的 Parquet 文件。`);
  }
  const nested = (t: string) => /STRUCT|MAP|\[\]|LIST|JSON/.test(t);
  const cols = desc.map((d, i) => (nested(d.column_type) ? `to_json(#${i + 1})::varchar as c${i + 1}` : `#${i + 1}::varchar as c${i + 1}`)).join(', ');
  const table = `${prefix}_stage`;
  await db.run(`create temp table ${table} as select (row_number() over ())::bigint as _row, (row_number() over ())::bigint as _line, * from (select ${cols} from read_parquet($path))`, { path });
  return { table, headers: desc.map((d) => d.column_name), rows: await db.scalar(`select count(*) from ${table}`), format: 'parquet', encoding: 'parquet', structural: [] };
}

async function stageJsonl(db: Database, prefix: string, path: string): Promise<StagedFile> {
  await db.run(`create temp table ${prefix}_json as select (row_number() over ())::bigint as _row, json from read_json_objects($path, format = 'newline_delimited', ignore_errors = true)`, { path });
  const keys = (await db.all<{ k: string }>(`select k from (select unnest(json_keys(json)) as k, _row from ${prefix}_json where _row <= 10000) group by k order by min(_row), k`)).map((r) => r.k);
  const params: Record<string, string> = {};
  const cols = keys.map((k, i) => ((params[`k${i}`] = k), `json_extract_string(json, $k${i}) as c${i + 1}`)).join(', ');
  const table = `${prefix}_stage`;
  await db.run(`create temp table ${table} as select _row, _row as _line${cols ? ', ' + cols : ''} from ${prefix}_json where json is not null`, params);
  const structural = (await db.all<{ _row: number }>(`select _row from ${prefix}_json where json is null order by _row limit 100000`)).map((r) => ({ line: Number(r._row), reason: 'not a JSON object' }));
  await db.run(`drop table ${prefix}_json`);
  return { table, headers: keys, rows: await db.scalar(`select count(*) from ${table}`), format: 'jsonl', encoding: 'utf8', structural };
}
