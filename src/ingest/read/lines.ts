import { openSync, readSync, closeSync, fstatSync, createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readBytes } from './encoding.ts';

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
  const fd = openSync(path, 'r');
  let innerBlankLine = false, quotes = false;
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.alloc(1 << 20);
    const seam = Buffer.alloc(4);
    for (let at = 0; at < size && !(innerBlankLine && quotes);) {
      const got = readSync(fd, chunk, 0, chunk.length, at);
      const buf = chunk.subarray(0, got);
      quotes ||= buf.includes(QUOTE);
      if (!innerBlankLine) {
        if (at === 0 && (buf[0] === LF || buf[0] === CR)) innerBlankLine = true;
        // The two bytes either side of the previous chunk's end, where a pattern may straddle.
        if (at > 0) readSync(fd, seam, 0, 4, at - 2);
        for (const pat of BLANK) {
          const i = buf.indexOf(pat);
          const j = at > 0 ? seam.indexOf(pat) : -1;
          // An empty line followed only by more line breaks is the end of the file, not a gap between rows.
          if ((i >= 0 && !onlyBreaksAfter(fd, size, at + i)) || (j >= 0 && !onlyBreaksAfter(fd, size, at - 2 + j))) innerBlankLine = true;
        }
      }
      at += got;
    }
    return { innerBlankLine, quotes };
  } finally {
    closeSync(fd);
  }
}

/** Whether the file has an empty line anywhere but at its very end. */
export function hasInnerBlankLine(path: string): boolean {
  return textFacts(path).innerBlankLine;
}

const BLANK = ['\n\n', '\n\r\n', '\r\r'];

function onlyBreaksAfter(fd: number, size: number, from: number): boolean {
  const b = Buffer.alloc(Math.min(4096, size - from));
  readSync(fd, b, 0, b.length, from);
  return size - from <= 4096 && b.every((x) => x === LF || x === CR);
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
  const fd = openSync(path, 'r');
  const blank: number[] = [];
  const spills: LineScan['spills'] = [];
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(1 << 20);
    let state = S.FieldStart as S;
    let line = 1;
    let empty = true;
    let afterCR = false;
    let firstInnerBreak = -1; // byte after the current record's first line break inside quotes
    for (let at = 0; at < size; at += buf.length) {
      const got = readSync(fd, buf, 0, buf.length, at);
      for (let i = 0; i < got; i++) {
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
  } finally {
    closeSync(fd);
  }
}

/**
 * How many lines between bytes `from` and `to` hold at least `delimiters` delimiters — look like rows of their own —
 * counting up to `enough`.
 */
export function rowLikeLines(path: string, from: number, to: number, delimiter: string, delimiters: number, enough: number): number {
  const D = delimiter.charCodeAt(0);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    let found = 0, n = 0;
    for (let at = from; at < to && found < enough; at += buf.length) {
      const got = readSync(fd, buf, 0, Math.min(buf.length, to - at), at);
      if (!got) break;
      for (let i = 0; i < got; i++) {
        const c = buf[i];
        if (c === D) n++;
        else if (c === LF || c === CR) {
          if (n >= delimiters) found++;
          n = 0;
        }
      }
    }
    return n >= delimiters ? found + 1 : found;
  } finally {
    closeSync(fd);
  }
}

/**
 * The file's last line when it does not end with a line break and holds no quote: its field count. A file cut short
 * usually ends inside a row; when that row has fewer fields than the header it is rejected rather than imported with
 * its last values missing. Null when the file ends with a line break (or the last line has quotes: the reader judges).
 */
export function unterminatedLastLine(path: string, delimiter: string): { text: string; fields: number; empty: boolean } | null {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
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
  const fd = openSync(path, 'r');
  const out: number[] = [];
  try {
    const size = fstatSync(fd).size;
    const buf = Buffer.alloc(1 << 20);
    let line = 1, blank = true, afterCR = false;
    for (let at = 0; at < size; at += buf.length) {
      const got = readSync(fd, buf, 0, buf.length, at);
      for (let i = 0; i < got; i++) {
        const c = buf[i];
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
  } finally {
    closeSync(fd);
  }
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
