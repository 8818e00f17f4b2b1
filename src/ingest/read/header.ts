import { openSync, readSync, closeSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** First 64 KiB of a UTF-8 file as text, cut at the last complete line. */
export function sampleText(path: string, n = 65536): string {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    let text = b.subarray(0, got).toString('utf8').replace(/^\uFEFF/, '');
    if (got === n) text = text.slice(0, Math.max(text.lastIndexOf('\n'), 0));
    return text;
  } finally {
    closeSync(fd);
  }
}

const CANDIDATES = [',', '\t', ';', '|'];

/** The delimiter that splits the first lines into the same, largest number of fields (quotes respected). */
export function detectDelimiter(sample: string): string {
  const lines = sample.split(/\r?\n/).filter((l) => l.trim()).slice(0, 20);
  if (!lines.length) return ',';
  let best = ',';
  let bestScore = 0;
  for (const d of CANDIDATES) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const first = counts[0];
    if (!first) continue;
    const consistent = counts.filter((c) => c === first).length / counts.length;
    const score = first * consistent;
    if (score > bestScore) [best, bestScore] = [d, score];
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

/** The header row's names (trimmed; an empty name becomes column_<n>), read with a real CSV parser. */
export function readHeader(sample: string, delimiter: string): string[] {
  const rows = parse(sample, { delimiter, to: 1, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  return (rows[0] ?? []).map((h, i) => h.trim() || `column_${i + 1}`);
}

/** Number of fields of the widest of the first lines (for files without a header). */
export function widestRow(sample: string, delimiter: string): number {
  const rows = parse(sample, { delimiter, to: 50, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  return Math.max(0, ...rows.map((r) => r.length));
}
