import { statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Warehouse } from '../../store/interfaces.ts';
import type { Encoding, FileFormat } from '../types.ts';
import { UserError } from '../../errors.ts';
import { dropTemp } from '../../identity/temp.ts';
import { detectEncoding, toUtf8 } from './encoding.ts';
import { readBytes } from './bytes.ts';
import { magicOf, gunzipTo, assertTextAs, type Magic } from './sniff.ts';
import { xlsxToCsv } from './xlsx.ts';
import { layOutXlsx } from './xlsxZip.ts';
import { stageCsv } from './csv.ts';
import { stageJsonl } from './jsonl.ts';
import { stageParquet } from './parquet.ts';
import type { Structural } from './reasons.ts';

export type { Structural } from './reasons.ts';

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
 * A file loaded as text into `<prefix>_stage(_row, _line, c1 … cN)` (a table, or a view over the reader's table):
 * every value VARCHAR, empty as NULL. `dropStaged` frees it once the typed rows exist.
 */
export interface StagedFile {
  table: string;
  headers: string[];
  rows: number;
  format: FileFormat;
  encoding: string;
  /** Lines the reader could not split into fields (too many fields, broken quotes or bytes, bad JSON, a cut last row). */
  structural: Structural[];
}

const XLS = () => new UserError('xls_unsupported', 'Old .xls workbooks cannot be read: save the sheet as .xlsx or CSV.', '无法读取旧版 .xls 工作簿：请另存为 .xlsx 或 CSV。');

/**
 * The file's format: what its first bytes say for the binary formats (an XLSX or Parquet file saved under another
 * name is still read as what it is), else the mapping's, else the extension's.
 */
export function formatOf(path: string, given?: FileFormat, magic: Magic = null): FileFormat {
  if (magic === 'zip') return 'xlsx';
  if (magic === 'parquet') return 'parquet';
  if (magic === 'ole') throw XLS();
  if (given) return given;
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx';
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.parquet') return 'parquet';
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.xls') throw XLS();
  return 'csv';
}

export async function stageFile(db: Warehouse, prefix: string, path: string, o: StageOptions): Promise<StagedFile> {
  if (statSync(path).size === 0) throw new UserError('file_empty', `${path} is empty.`, `${path} 是空文件。`);
  let file = path;
  let magic = magicOf(file);
  if (magic === 'gzip') {
    file = join(o.tmp, `${prefix}.gunzipped`);
    await gunzipTo(path, file, path);
    if (statSync(file).size === 0) throw new UserError('file_empty', `${path} is empty.`, `${path} 是空文件。`);
    magic = magicOf(file);
  }
  const format = formatOf(path.replace(/\.gz$/i, ''), o.format, magic);
  if (format === 'parquet') return { ...(await stageParquet(db, prefix, file, path)), format, encoding: 'parquet', structural: [] };
  if (format === 'xlsx') {
    // Checked for its unpacked size and laid out (workbook parts first) in the scratch before exceljs reads it.
    const laid = join(o.tmp, `${prefix}.xlsx`);
    await layOutXlsx(file, laid, path);
    const csv = join(o.tmp, `${prefix}.csv`);
    const { sheet } = await xlsxToCsv(laid, csv, path, o.sheet);
    const staged = await stageCsv(db, prefix, { path: csv, shown: path, encoding: 'utf8', delimiter: ',', header: o.header ?? true, names: o.names, tmp: o.tmp });
    return { ...staged, format, encoding: `xlsx:${sheet}` };
  }
  const encoding = detectEncoding(file, o.encoding);
  assertTextAs(file, encoding, path, o.encoding, () => detectEncoding(file, 'auto'));
  const hasBom = encoding === 'utf8' && readBytes(file, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
  // DuckDB reads UTF-8 itself (BOM included) except for JSON, whose reader takes a BOM for a broken first line.
  if (encoding !== 'utf8' || format === 'whitespace' || (format === 'jsonl' && hasBom)) {
    const copy = join(o.tmp, `${prefix}.utf8`);
    await toUtf8(file, copy, encoding, { whitespace: format === 'whitespace' });
    file = copy;
  }
  if (format === 'jsonl') return { ...(await stageJsonl(db, prefix, file, path, o.tmp)), format, encoding };
  const delimiter = format === 'whitespace' ? '\t' : o.delimiter ?? (format === 'tsv' ? '\t' : undefined);
  const staged = await stageCsv(db, prefix, { path: file, shown: path, encoding, delimiter, header: o.header ?? true, names: o.names, tmp: o.tmp });
  return { ...staged, format, encoding };
}

export async function dropStaged(db: Warehouse, prefix: string): Promise<void> {
  const kind = await db.get<{ t: string }>(`select table_type as t from information_schema.tables where table_name = $n`, { n: `${prefix}_stage` });
  if (kind) await db.run(kind.t === 'VIEW' ? `drop view ${prefix}_stage` : `drop table ${prefix}_stage`);
  await dropTemp(db, `${prefix}_rd`);
}
