import { parse } from 'csv-parse/sync';
import { readBytes, SAMPLE } from './bytes.ts';

/** First 64 KiB of a UTF-8 file as text, cut at the last complete line. */
export function sampleText(path: string, n = SAMPLE): string {
  const b = readBytes(path, n);
  let text = b.toString('utf8').replace(/^\uFEFF/, '');
  // Cut at the last line break (LF, or CR alone in a file written with old Mac line ends).
  if (b.length === n) text = text.slice(0, Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'), 0));
  return text;
}

const CANDIDATES = [',', '\t', ';', '|'];

/**
 * The delimiter that splits the first lines into the same, largest number of fields (quotes respected): the most
 * common field count times the share of lines that have it, so a title line above the header does not decide.
 */
export function detectDelimiter(sample: string): string {
  const lines = sample.split(/\r\n|\r|\n/).filter((l) => l.trim()).slice(0, 20);
  let best = ',';
  let bestScore = 0;
  for (const d of CANDIDATES) {
    const tally = new Map<number, number>();
    for (const l of lines) {
      const c = countOutsideQuotes(l, d);
      if (c) tally.set(c, (tally.get(c) ?? 0) + 1);
    }
    for (const [count, n] of tally) {
      const score = count * (n / lines.length);
      if (score > bestScore) [best, bestScore] = [d, score];
    }
  }
  return best;
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let q = false;
  for (const ch of line) {
    if (ch === '"') q = !q;
    else if (ch === d && !q) n++;
  }
  return n;
}

/**
 * The header row and the lines before it. Exports often open with a title or a few lines about the export
 * (「会员导出 2024-03」, 微信支付账单's preamble, empty lines): rows with at most one filled cell at the top of a file
 * whose later rows have several are not the header. `skip` is the number of lines above the header.
 */
export function findHeader(sample: string, delimiter: string): { headers: string[]; skip: number } {
  const records = parse(sample, { delimiter, to: HEADER_SEARCH, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, bom: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const at = headerIndex(records.map((r) => r.record));
  const header = records[at];
  if (!header) return { headers: [], skip: 0 };
  return { headers: namesOf(header.record), skip: header.info.lines - 1 };
}

/** How many of the first rows the header is looked for in. */
export const HEADER_SEARCH = 30;

/** Which of the first rows is the header: the first with two or more filled cells, when any row has two or more. */
export function headerIndex(rows: string[][]): number {
  const filled = rows.map((r) => r.filter((v) => v.trim()).length);
  if (!filled.some((n) => n >= 2)) return 0;
  return filled.findIndex((n) => n >= 2);
}

/** Header cells as column names: trimmed, an empty one named column_<n>. */
export function namesOf(cells: string[]): string[] {
  return cells.map((h, i) => h.trim() || `column_${i + 1}`);
}

/** Number of fields of the widest of the first lines (for files without a header). */
export function widestRow(sample: string, delimiter: string): number {
  const rows = parse(sample, { delimiter, to: 50, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true, bom: true }) as string[][];
  return Math.max(0, ...rows.map((r) => r.length));
}
