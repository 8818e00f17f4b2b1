import { createReadStream, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Warehouse } from '../../store/interfaces.ts';
import { isOutOfMemory } from '../../store/errors.ts';
import { UserError } from '../../errors.ts';
import { sampleText, detectDelimiter, findHeader, widestRow } from './header.ts';
import { textFacts, scanLines, rowLikeLines, unterminatedLastLine, normaliseLineEnds, longRecords, withoutRecords, RECORD_TOO_LONG, type LineScan } from './lines.ts';
import { describeReject, UNCLOSED_QUOTE, QUOTE_TO_END, type ReaderReject, type Structural } from './reasons.ts';
import { createShift, lineOf } from './shift.ts';

export interface CsvSource {
  /** The UTF-8 text DuckDB reads (the file itself, or its transcoded copy). */
  path: string;
  /** The user's file, for messages. */
  shown: string;
  /** The file's encoding, for messages. */
  encoding: string;
  delimiter?: string;
  header: boolean;
  names?: string[];
  /** Scratch directory (copies of a file's tail after an unclosed quote). */
  tmp: string;
}

/** How many times an unclosed quote may send the reader back to the line after it (each re-reads the rest of the file). */
const MAX_RESUMES = 20;

interface Part {
  raw: string;
  /** Line number of the part's first line that may hold a row, less one: row k of the part is on line k + offset + shift. */
  offset: number;
  /** Lines without a row of their own (rejected, empty), ascending. */
  skipped: number[];
  /** Rows on this line and below belong to a later part (a re-read after an unclosed quote). */
  cutAt: number | null;
}

/**
 * Reads delimited UTF-8 text into `<prefix>_stage(_row, _line, c1 … cN)`, every value VARCHAR, empty as NULL.
 * Lines the reader cannot split are rejected one by one with the column at fault and the rest of the file still read:
 * after a quote that is never closed, the lines it swallowed are read again; empty lines and rows whose cells are all
 * empty are skipped; a last line cut short (fewer fields than the header, no final line break) is rejected. `_line`
 * is the line as spreadsheets count it (a line break inside quotes does not start one).
 */
export async function stageCsv(db: Warehouse, prefix: string, src: CsvSource): Promise<{ table: string; headers: string[]; rows: number; structural: Structural[] }> {
  let sample = sampleText(src.path);
  if (!sample.trim()) throw new UserError('file_empty', `${src.shown} has no rows.`, `${src.shown} 没有数据行。`);
  const delimiter = src.delimiter ?? detectDelimiter(sample);
  const structural: Structural[] = [];
  let file = src.path;
  // Records too long for the reader are rejected here and read as empty lines (DuckDB loses one past its buffer).
  const long = longRecords(file, delimiter);
  if (long.length) {
    file = join(src.tmp, `${prefix}-short.csv`);
    await withoutRecords(src.path, file, long);
    structural.push(...long.map((r) => ({ line: r.line, reason: RECORD_TOO_LONG })));
    sample = sampleText(file);
  }
  const found = src.header && !src.names ? findHeader(sample, delimiter) : { headers: [], skip: 0 };
  const headers = src.names ?? (src.header ? found.headers : Array.from({ length: widestRow(sample, delimiter) }, (_, i) => `column_${i + 1}`));
  const cols = headers.map((_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
  const parts: Part[] = [];
  let base = 0;
  for (let n = 0; ; n++) {
    const raw = `${prefix}_rd_raw${n}`;
    const first = n === 0;
    const part = { cols, delimiter, header: first && src.header, skip: first ? found.skip : 0, shown: src.shown };
    let read = await readPart(db, raw, prefix, n, file, part);
    if (read === MIXED_LINE_ENDS) {
      const copy = join(src.tmp, `${prefix}-lf${n}.csv`);
      await normaliseLineEnds(file, copy);
      file = copy;
      read = await readPart(db, raw, prefix, n, file, part);
      if (read === MIXED_LINE_ENDS) unreadable(src.shown, new Error('the reader cannot follow its line breaks'));
    }
    const { rejects, sequential } = read;
    const offset = base + (first ? found.skip + (src.header ? 1 : 0) : 0);
    const facts = textFacts(file);
    const scan = sequential || facts.innerBlankLine ? scanLines(file, delimiter) : null;
    // Without a quote in the file no value spans lines: nothing can have been swallowed.
    const resume = n < MAX_RESUMES && facts.quotes ? await resumePoint(db, raw, file, delimiter, headers.length, rejects, scan, offset - base) : null;
    const cutAt = resume ? resume.line + base : null;
    const quoteReason = resume?.resumeAt ? UNCLOSED_QUOTE : QUOTE_TO_END;
    for (const r of rejects) {
      const line = r.line + base;
      if (cutAt !== null && line > cutAt) continue;
      structural.push(line === cutAt ? { ...describeReject({ ...r, line }, headers, src.encoding), reason: quoteReason } : describeReject({ ...r, line }, headers, src.encoding));
    }
    if (cutAt !== null && !rejects.some((r) => r.line + base === cutAt)) structural.push({ line: cutAt, reason: quoteReason });
    const skipped = [...new Set([...rejects.map((r) => r.line + base), ...(scan?.blank ?? []).map((l) => l + base)])].filter((l) => l > offset).sort((a, b) => a - b);
    parts.push({ raw, offset, skipped, cutAt });
    if (!resume?.resumeAt) break;
    const tail = join(src.tmp, `${prefix}-tail${n}.csv`);
    await pipeline(createReadStream(file, { start: resume.resumeAt }), createWriteStream(tail, { mode: 0o600 }));
    file = tail;
    base = cutAt!;
  }
  const truncated = await rejectCutLastRow(db, parts[parts.length - 1], file, delimiter, headers, Boolean(src.header && !src.names));
  if (truncated) structural.push(truncated);
  const table = `${prefix}_stage`;
  await assemble(db, table, prefix, parts, headers.length);
  structural.sort((a, b) => a.line - b.line);
  return { table, headers, rows: await db.scalar(`select count(*) from ${table}`), structural };
}

/**
 * Where a quote swallowed the lines below it — the first record that runs on past its own line inside a quote and
 * either was rejected for its quote (never closed, or text after the closing quote) or was left open at the end of
 * the file, with a line below that looks like a row (as many delimiters as the header); or that holds two such lines
 * (a stray quote closed by a stray quote rows later: rejected for too many columns, or even read as a valid row).
 * That record is rejected and the reader picks up again on the line after its first (`resumeAt`). A value with line
 * breaks written on purpose (an address, a note) is none of these. Lines are the part's own.
 */
async function resumePoint(db: Warehouse, raw: string, file: string, delimiter: string, width: number, rejects: ReaderReject[], scan: LineScan | null, offset: number): Promise<{ line: number; resumeAt: number | null } | null> {
  const skipped = [...new Set([...rejects.map((r) => r.line), ...(scan?.blank ?? [])])].filter((l) => l > offset).sort((a, b) => a - b);
  const quoteBroken = new Set(rejects.filter((r) => r.error_type === 'UNQUOTED VALUE').map((r) => r.line));
  if (scan?.openAtEnd) quoteBroken.add(scan.openAtEnd.line);
  const candidates = new Set([...rejects.map((r) => r.line), ...quoteBroken]);
  const swallowing = await swallowingRow(db, raw, width, delimiter, offset, skipped);
  if (swallowing !== null) candidates.add(swallowing);
  if (!candidates.size) return null;
  const rows = (s: { resumeAt: number; end: number }, enough: number) => rowLikeLines(file, s.resumeAt, s.end, delimiter, Math.max(1, width - 1), enough);
  for (const s of scanLines(file, delimiter, { spillAmong: candidates }).spills) {
    if (s.line === swallowing || rows(s, quoteBroken.has(s.line) ? 1 : 2) >= (quoteBroken.has(s.line) ? 1 : 2)) return s;
  }
  // A quote the single-threaded reader left open to the end of the file took its row's last values: reject that row.
  return scan?.openAtEnd ? { line: scan.openAtEnd.line, resumeAt: null } : null;
}

/**
 * The line of the first row with a quoted value two of whose later lines hold as many delimiters as the header (in
 * files of three columns or more). One such line could be an address written over two lines with commas in it; two
 * are rows.
 */
async function swallowingRow(db: Warehouse, raw: string, width: number, delimiter: string, offset: number, skipped: number[]): Promise<number | null> {
  if (width < 3) return null;
  const re = `\\n(?:[^\\n]*${delimiter.replace(/[|\\]/g, '\\$&')}){${width - 1}}`;
  const cols = Array.from({ length: width }, (_, i) => `(contains(c${i + 1}, chr(10)) and len(regexp_extract_all(c${i + 1}, $re)) >= 2)`);
  const row = await db.get<{ k: number | null }>(`select min(_row)::bigint as k from ${raw} where ${cols.join(' or ')}`, { re });
  return row?.k ? lineOf(Number(row.k), offset, skipped) : null;
}

const MIXED_LINE_ENDS = Symbol('mixed line ends');

async function readPart(db: Warehouse, raw: string, prefix: string, n: number, path: string, o: { cols: string; delimiter: string; header: boolean; skip: number; shown: string }): Promise<{ rejects: ReaderReject[]; sequential: boolean } | typeof MIXED_LINE_ENDS> {
  const rj = `${prefix}_rd_rj${n}`, rs = `${prefix}_rd_rs${n}`;
  // The rows' numbers are their positions in the table (rowid, in file order: the table keeps the reader's order), not
  // a row_number() window, which made the parallel reader's output pass through one thread. Positions count from 0
  // in a table committed to: files are staged outside any transaction (inside one, rowids start at 2^62).
  const read = async (parallel: boolean) => {
    await db.run(
      `create temp table ${raw}_t as select * from read_csv($path, auto_detect = false, columns = {${o.cols}},
         header = $header, skip = ${o.skip}, delim = $delim, quote = '"', escape = '"', null_padding = true, strict_mode = true, max_line_size = 4194304,
         parallel = ${parallel}, store_rejects = true, rejects_table = '${rj}', rejects_scan = '${rs}')`,
      { path, header: o.header, delim: o.delimiter },
    );
    await db.run(`create temp view ${raw} as select (rowid + 1)::bigint as _row, * from ${raw}_t`);
  };
  let sequential = false;
  try {
    await read(true);
  } catch (e) {
    // Quoted line breaks with ragged rows need the single-threaded reader; CRLF and LF mixed need a copy with one
    // kind; anything else is a file we cannot split.
    await db.run(`drop table if exists ${rj}`);
    await db.run(`drop table if exists ${rs}`);
    if (mixedLineEnds(e)) return MIXED_LINE_ENDS;
    if (!/parallel/i.test(String((e as Error).message))) unreadable(o.shown, e);
    const again = await read(false).then(() => null, (e2: unknown) => e2);
    if (again && mixedLineEnds(again)) return MIXED_LINE_ENDS;
    if (again) unreadable(o.shown, again);
    sequential = true;
  }
  // One reject per line (DuckDB reports a line once per surplus field), its first error.
  const rejects = (await db.all<ReaderReject>(
    `select line::bigint as line, arg_min(error_type, coalesce(byte_position, 0)) as error_type, arg_min(column_idx, coalesce(byte_position, 0)) as column_idx,
       arg_min(error_message, coalesce(byte_position, 0)) as error_message
     from ${rj} group by line order by line`)).map((r) => ({ ...r, line: Number(r.line) }));
  await db.run(`drop table if exists ${rj}`);
  await db.run(`drop table if exists ${rs}`);
  return { rejects, sequential };
}

/** A file that does not end with a line break and whose last line has fewer fields than the header was cut short: that row is rejected. */
async function rejectCutLastRow(db: Warehouse, part: Part, path: string, delimiter: string, headers: string[], fromFile: boolean): Promise<Structural | null> {
  const last = unterminatedLastLine(path, delimiter);
  if (!last || last.empty) return null;
  // A trailing empty header cell (Youzan) is not a field the rows must have.
  let expected = headers.length;
  while (fromFile && expected > 1 && headers[expected - 1] === `column_${expected}`) expected--;
  if (last.fields >= expected) return null;
  const row = await db.get<{ k: number }>(`select max(_row)::bigint as k from ${part.raw}`);
  if (!row?.k) return null;
  const line = lineOf(Number(row.k), part.offset, part.skipped);
  // The reader rejected the last line itself: nothing more to do.
  if (part.skipped.some((l) => l > line) || (part.cutAt !== null && line >= part.cutAt)) return null;
  await db.run(`delete from ${part.raw}_t where rowid = $k - 1`, { k: Number(row.k) });
  return { line, reason: `the file ends inside this row (${last.fields} of ${expected} fields): it looks cut short` };
}

/** The parts' rows as one table (or, for a plain file, a view over its only part), numbered in file order. */
async function assemble(db: Warehouse, table: string, prefix: string, parts: Part[], width: number): Promise<void> {
  const notEmpty = `coalesce(${Array.from({ length: width }, (_, i) => `c${i + 1}`).join(', ')}) is not null`;
  const only = parts.length === 1 ? parts[0] : null;
  if (only && !only.skipped.length) {
    await db.run(`create temp view ${table} as select _row, _row + ${only.offset} as _line, * exclude (_row) from ${only.raw} where ${notEmpty}`);
    return;
  }
  const selects: string[] = [];
  for (const [i, part] of parts.entries()) {
    const shift = `${prefix}_rd_shift${i}`;
    // After the j-th skipped line, rows move down by j: row r is at or past the j-th skip when r >= skip_j - offset - (j - 1).
    await createShift(db, shift, part.offset, part.skipped);
    const lined = `select ${i} as _part, r._row as _r, r._row + ${part.offset} + coalesce(s.k, 0) as _line, r.* exclude (_row) from ${part.raw} r asof left join ${shift} s on r._row >= s.t`;
    selects.push(`select * from (${lined}) where ${notEmpty}${part.cutAt !== null ? ` and _line < ${part.cutAt}` : ''}`);
  }
  await db.run(`create temp table ${table} as select (row_number() over (order by _part, _r))::bigint as _row, * exclude (_part, _r) from (${selects.join(' union all ')})`);
  for (const part of parts) await dropRaw(db, part.raw);
}

/** A part's rows: the view numbering them and the reader's table under it. */
async function dropRaw(db: Warehouse, raw: string): Promise<void> {
  await db.run(`drop view if exists ${raw}`);
  await db.run(`drop table if exists ${raw}_t`);
}

const mixedLineEnds = (e: unknown) => /state machine reached an invalid state/i.test(String((e as Error).message));

function unreadable(shown: string, e: unknown): never {
  // A buffer pool too small for the reader is not a fault of the file: the import retries it with more memory.
  if (isOutOfMemory(e)) throw e;
  const first = String((e as Error).message).split('\n')[0].replace(/^[A-Za-z ]*Error: /, '');
  throw new UserError('csv_unreadable', `${shown} cannot be read as delimited text: ${first}`, `无法按分隔文本读取 ${shown}：${first}`);
}
