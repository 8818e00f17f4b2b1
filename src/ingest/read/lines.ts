import { statSync, createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { chunksOf, readBytes } from './bytes.ts';

/**
 * Line bookkeeping for delimited text, in the numbering DuckDB's reader and spreadsheets use: every line break
 * outside quotes starts a new line (an empty line counts), a break inside a quoted value does not. DuckDB skips empty
 * lines without a row, so the staged rows' line numbers need to know where they are; and when a quote is never closed,
 * the reader swallows the lines after it into one rejected value, so the import needs to know where to pick up again.
 */

const LF = 0x0a, CR = 0x0d, QUOTE = 0x22;
const enum S { FieldStart, Unquoted, Quoted, QuoteSeen, Bad }

/**
 * Two facts from one cheap pass (native byte search, no parsing): whether the file has an empty line anywhere but at
 * its very end, and whether it has a quote at all (without one, no value can span lines).
 */
export function textFacts(path: string): { innerBlankLine: boolean; quotes: boolean } {
  const size = statSync(path).size;
  let innerBlankLine = false, quotes = false;
  for (const { bytes: buf, at } of chunksOf(path)) {
    quotes ||= buf.includes(QUOTE);
    if (!innerBlankLine) {
      if (at === 0 && (buf[0] === LF || buf[0] === CR)) innerBlankLine = true;
      // The two bytes either side of the previous chunk's end, where a pattern may straddle.
      const seam = at > 0 ? readBytes(path, 4, at - 2) : null;
      for (const pat of BLANK) {
        const i = buf.indexOf(pat);
        const j = seam ? seam.indexOf(pat) : -1;
        // An empty line followed only by more line breaks is the end of the file, not a gap between rows.
        if ((i >= 0 && !onlyBreaksAfter(path, size, at + i)) || (j >= 0 && !onlyBreaksAfter(path, size, at - 2 + j))) innerBlankLine = true;
      }
    }
    if (innerBlankLine && quotes) break;
  }
  return { innerBlankLine, quotes };
}

/** Whether the file has an empty line anywhere but at its very end. */
export function hasInnerBlankLine(path: string): boolean {
  return textFacts(path).innerBlankLine;
}

const BLANK = ['\n\n', '\n\r\n', '\r\r'];

function onlyBreaksAfter(path: string, size: number, from: number): boolean {
  return size - from <= 4096 && readBytes(path, size - from, from).every((x) => x === LF || x === CR);
}

export interface LineScan {
  /** Empty lines (line numbers). */
  blank: number[];
  /** Of the lines asked about (`spillAmong`), those whose record runs on past its own line inside a quote; `resumeAt` is the byte after that first line, `end` where the record ends. */
  spills: { line: number; resumeAt: number; end: number }[];
  /** The record whose quote is still open at the end of the file (it swallowed everything below its first line). */
  openAtEnd: { line: number; resumeAt: number } | null;
}

/**
 * Walks a UTF-8 file with the reader's quoting rules (a quote opens a value only at its start, `""` is a quote
 * inside one, text after a closing quote is an error that ends at the line break) and reports empty lines and
 * records that run on past their own line inside a quote. With `spillAmong` the walk ends after the last of those
 * lines.
 */
export function scanLines(path: string, delimiter: string, o: { spillAmong?: Set<number> } = {}): LineScan {
  const last = o.spillAmong ? [...o.spillAmong].reduce((a, b) => Math.max(a, b), 0) : Infinity;
  const D = delimiter.charCodeAt(0);
  const blank: number[] = [];
  const spills: LineScan['spills'] = [];
  const size = statSync(path).size;
  let state = S.FieldStart as S;
  let line = 1;
  let empty = true;
  let afterCR = false;
  let firstInnerBreak = -1; // byte after the current record's first line break inside quotes
  for (const { bytes: buf, at } of chunksOf(path)) {
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (afterCR) {
        afterCR = false;
        if (c === LF) {
          if (firstInnerBreak === at + i) firstInnerBreak++;
          continue;
        }
      }
      if (c === LF || c === CR) {
        afterCR = c === CR;
        if (state === S.Quoted) {
          if (firstInnerBreak < 0) firstInnerBreak = at + i + 1;
          continue;
        }
        if (firstInnerBreak >= 0 && o.spillAmong?.has(line)) spills.push({ line, resumeAt: firstInnerBreak, end: at + i });
        if (line >= last) return { blank, spills, openAtEnd: null };
        if (empty) blank.push(line);
        line++;
        state = S.FieldStart;
        empty = true;
        firstInnerBreak = -1;
        continue;
      }
      empty = false;
      switch (state) {
        case S.FieldStart:
          state = c === QUOTE ? S.Quoted : c === D ? S.FieldStart : S.Unquoted;
          break;
        case S.Unquoted:
          if (c === D) state = S.FieldStart;
          break;
        case S.Quoted:
          if (c === QUOTE) state = S.QuoteSeen;
          break;
        case S.QuoteSeen:
          state = c === QUOTE ? S.Quoted : c === D ? S.FieldStart : S.Bad;
          break;
        case S.Bad:
          break;
      }
    }
  }
  if (firstInnerBreak >= 0 && o.spillAmong?.has(line)) spills.push({ line, resumeAt: firstInnerBreak, end: size });
  const openAtEnd = state === S.Quoted && firstInnerBreak >= 0 ? { line, resumeAt: firstInnerBreak } : null;
  return { blank, spills, openAtEnd };
}

/**
 * How many lines between bytes `from` and `to` hold at least `delimiters` delimiters — look like rows of their own —
 * counting up to `enough`.
 */
export function rowLikeLines(path: string, from: number, to: number, delimiter: string, delimiters: number, enough: number): number {
  const D = delimiter.charCodeAt(0);
  let found = 0, n = 0;
  for (const { bytes } of chunksOf(path, { from, to, size: 1 << 16 })) {
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === D) n++;
      else if (c === LF || c === CR) {
        if (n >= delimiters) found++;
        n = 0;
      }
    }
    if (found >= enough) break;
  }
  return n >= delimiters ? found + 1 : found;
}

/**
 * The file's last line when it does not end with a line break and holds no quote: its field count. A file cut short
 * usually ends inside a row; when that row has fewer fields than the header it is rejected rather than imported with
 * its last values missing. Null when the file ends with a line break (or the last line has quotes: the reader judges).
 */
export function unterminatedLastLine(path: string, delimiter: string): { text: string; fields: number; empty: boolean } | null {
  const size = statSync(path).size;
  const n = Math.min(size, 1 << 16);
  const tail = readBytes(path, n, size - n);
  if (!tail.length || tail[tail.length - 1] === LF || tail[tail.length - 1] === CR) return null;
  const cut = Math.max(tail.lastIndexOf(LF), tail.lastIndexOf(CR));
  if (cut < 0 && size > n) return null;
  const text = tail.subarray(cut + 1).toString('utf8');
  if (text.includes('"')) return null;
  const parts = text.split(delimiter);
  return { text, fields: parts.length, empty: parts.every((p) => !p.trim()) };
}

/** Lines that are empty or only blanks (for JSON Lines, where no value spans lines); their numbers. */
export function blankLines(path: string): number[] {
  const out: number[] = [];
  let line = 1, blank = true, afterCR = false;
  for (const { bytes } of chunksOf(path)) {
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      if (afterCR) {
        afterCR = false;
        if (c === LF) continue;
      }
      if (c === LF || c === CR) {
        afterCR = c === CR;
        if (blank) out.push(line);
        line++;
        blank = true;
      } else if (c !== 0x20 && c !== 0x09) blank = false;
    }
  }
  return out;
}

/**
 * A copy with every line break as LF (CRLF and a lone CR alike). DuckDB's strict reader cannot read a file that
 * mixes them (one line saved on another system, two exports pasted together): it stops with "state machine reached
 * an invalid state".
 */
export async function normaliseLineEnds(src: string, dest: string): Promise<void> {
  let pendingCR = false;
  const toLF = new Transform({
    transform(chunk: Buffer, _enc, done) {
      const out = Buffer.allocUnsafe(chunk.length + 1);
      let n = 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (pendingCR) {
          pendingCR = false;
          out[n++] = LF;
          if (c === LF) continue;
        }
        if (c === CR) pendingCR = true;
        else out[n++] = c;
      }
      done(null, out.subarray(0, n));
    },
    flush(done) {
      done(null, pendingCR ? Buffer.from([LF]) : null);
    },
  });
  await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), toLF, createWriteStream(dest, { mode: 0o600 }));
}

/** The longest record the readers take (DuckDB's max_line_size); a longer one is rejected on its own. */
export const MAX_RECORD = 4 * 1024 * 1024;
export const RECORD_TOO_LONG = 'line longer than 4 MiB';

/** A record's line (numbered as above) and its bytes [start, end), its line break excluded. */
export interface LongRecord {
  line: number;
  start: number;
  end: number;
}

/**
 * Records longer than `max` bytes. DuckDB rejects a line over its max_line_size only while it fits the reader's
 * buffer: one over 64 MiB vanished without a trace, so such records are found here and cut out before it reads.
 * A native search for line breaks first (no record can be longer than `max` unless a line is); only then a walk with
 * the quoting rules (`delimiter`; null for JSON Lines, where no value spans lines).
 */
export function longRecords(path: string, delimiter: string | null, max = MAX_RECORD): LongRecord[] {
  if (!hasLongLine(path, max)) return [];
  const D = delimiter === null ? -1 : delimiter.charCodeAt(0);
  const out: LongRecord[] = [];
  let state = S.FieldStart as S;
  let line = 1;
  let start = 0;
  let afterCR = false;
  for (const { bytes: buf, at } of chunksOf(path)) {
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (afterCR) {
        afterCR = false;
        if (c === LF) {
          if (start === at + i) start++;
          continue;
        }
      }
      if (c === LF || c === CR) {
        afterCR = c === CR;
        if (state === S.Quoted) continue;
        if (at + i - start > max) out.push({ line, start, end: at + i });
        line++;
        start = at + i + 1;
        state = S.FieldStart;
        continue;
      }
      if (D < 0) continue;
      switch (state) {
        case S.FieldStart:
          state = c === QUOTE ? S.Quoted : c === D ? S.FieldStart : S.Unquoted;
          break;
        case S.Unquoted:
          if (c === D) state = S.FieldStart;
          break;
        case S.Quoted:
          if (c === QUOTE) state = S.QuoteSeen;
          break;
        case S.QuoteSeen:
          state = c === QUOTE ? S.Quoted : c === D ? S.FieldStart : S.Bad;
          break;
        case S.Bad:
          break;
      }
    }
  }
  const size = statSync(path).size;
  if (size - start > max) out.push({ line, start, end: size });
  return out;
}

/** Whether any stretch between line breaks is longer than `max` bytes (native byte search only). */
function hasLongLine(path: string, max: number): boolean {
  if (statSync(path).size <= max) return false;
  let last = 0;
  for (const { bytes, at } of chunksOf(path)) {
    for (let i = 0; ;) {
      const lf = bytes.indexOf(LF, i), cr = bytes.indexOf(CR, i);
      const k = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (k < 0) break;
      if (at + k - last > max) return true;
      last = at + k + 1;
      i = k + 1;
    }
    if (at + bytes.length - last > max) return true;
  }
  return false;
}

/** A copy of the file without the given records' bytes (their line breaks stay: each becomes an empty line). */
export async function withoutRecords(src: string, dest: string, records: LongRecord[]): Promise<void> {
  const out = createWriteStream(dest, { mode: 0o600 });
  let from = 0;
  const copy = async (to: number) => {
    for (const { bytes } of chunksOf(src, { from, to })) {
      if (!out.write(Buffer.from(bytes))) await once(out, 'drain');
    }
  };
  for (const r of records) {
    await copy(r.start);
    from = r.end;
  }
  await copy(Infinity);
  out.end();
  await once(out, 'close');
}
