import { createReadStream, createWriteStream } from 'node:fs';
import { isAscii } from 'node:buffer';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import iconv from 'iconv-lite';
import { chunksOf, readBytes, SAMPLE } from './bytes.ts';
import type { Encoding } from '../types.ts';

/** The concrete encodings a text file is read in. */
export type TextEncoding = 'utf8' | 'gb18030' | 'utf16le' | 'utf16be';

/**
 * The first 64 KiB of the file that are not plain ASCII: where a GBK or UTF-8 file first shows which it is. A POS
 * export with Latin headers can run for thousands of ASCII-only rows before its first Chinese name; judging it by
 * its first 64 KiB read it as UTF-8 and rejected every later row.
 */
function firstNonAsciiWindow(path: string): Buffer {
  for (const { bytes, at } of chunksOf(path)) {
    if (isAscii(bytes)) continue;
    let i = 0;
    while (bytes[i] < 0x80) i++;
    // Every byte before it is ASCII, so any of them starts a whole character (GBK lead bytes are >= 0x81).
    return readBytes(path, SAMPLE, Math.max(0, at + i - 256));
  }
  return Buffer.alloc(0);
}

/**
 * Detects a text file's encoding: a BOM (UTF-8, UTF-16 LE/BE as Excel writes "Unicode text"), NUL bytes in every
 * other position (UTF-16 without BOM), valid UTF-8, else GB18030 (a superset of GBK, what Chinese Windows and POS
 * systems write). Judged on the first 64 KiB, or — when those are plain ASCII — on the first 64 KiB that are not.
 */
export function detectEncoding(path: string, hint: Encoding = 'auto'): TextEncoding {
  if (hint === 'utf8') return 'utf8';
  if (hint === 'gbk' || hint === 'gb18030') return 'gb18030';
  const b = readBytes(path);
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf16be';
  if (hint === 'utf16le' || hint === 'utf16be') return hint;
  let evenNul = 0, oddNul = 0;
  for (let i = 0; i < Math.min(b.length, 4096); i++) {
    if (b[i] !== 0) continue;
    if (i % 2) oddNul++;
    else evenNul++;
  }
  if (hint === 'utf16' || evenNul + oddNul > 16) return evenNul > oddNul ? 'utf16be' : 'utf16le';
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf8';
  return looksUtf8(isAscii(b) && b.length === SAMPLE ? firstNonAsciiWindow(path) : b) ? 'utf8' : 'gb18030';
}

/** Valid UTF-8 up to the last complete character, give or take a stray damaged byte (GBK text is invalid UTF-8 almost everywhere). */
function looksUtf8(b: Buffer): boolean {
  let end = b.length;
  if (end === SAMPLE) {
    let k = end - 1;
    while (k > end - 4 && (b[k] & 0xc0) === 0x80) k--;
    end = k;
  }
  const text = new TextDecoder('utf-8').decode(b.subarray(0, end));
  const bad = text.split('\uFFFD').length - 1;
  return bad <= Math.max(2, text.length / 2000);
}

/** Line transform: whitespace-separated columns (CDNOW) become tab-separated, leading blanks dropped. */
function whitespaceToTabs(): Transform {
  let rest = '';
  return new Transform({
    transform(chunk: Buffer | string, _enc, done) {
      const text = rest + chunk.toString();
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      done(null, lines.map((l) => l.trim().split(/\s+/).join('\t')).join('\n') + (lines.length ? '\n' : ''));
    },
    flush(done) {
      done(null, rest.trim() ? rest.trim().split(/\s+/).join('\t') + '\n' : '');
    },
  });
}

/**
 * A byte that is never valid UTF-8. Where the source bytes could not be decoded (a damaged byte, a file cut in the
 * middle of a character, a lone UTF-16 surrogate) the copy gets this byte instead of a silent U+FFFD, so DuckDB's
 * reader rejects that one row as "invalid encoding" — with its line and column — instead of storing "�" as data.
 */
const UNDECODABLE = Buffer.from([0xff]);
const BROKEN = /\uFFFD|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text → UTF-8 bytes, undecodable characters marked with UNDECODABLE; `tail()` may add a last mark at the end. */
function encodeMarked(tail: () => boolean): Transform {
  let pendingHigh = '';
  return new Transform({
    decodeStrings: false,
    transform(chunk: Buffer | string, _enc, done) {
      let text = pendingHigh + chunk.toString();
      pendingHigh = '';
      // A high surrogate at the very end may be completed by the next chunk.
      if (/[\uD800-\uDBFF]$/.test(text)) [text, pendingHigh] = [text.slice(0, -1), text.slice(-1)];
      done(null, marked(text));
    },
    flush(done) {
      done(null, pendingHigh || tail() ? UNDECODABLE : null);
    },
  });
}

function marked(text: string): Buffer {
  BROKEN.lastIndex = 0;
  if (!BROKEN.test(text)) return Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  text.split(BROKEN).forEach((p, i) => {
    if (i) out.push(UNDECODABLE);
    out.push(Buffer.from(p, 'utf8'));
  });
  return Buffer.concat(out);
}

/** Counts the source bytes: a UTF-16 file of odd length was cut in the middle of a character (the decoder drops the byte). */
function byteCounter(): { count: Transform; odd: () => boolean } {
  let n = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      done(null, chunk);
    },
  });
  return { count, odd: () => n % 2 === 1 };
}

/**
 * Streams a file into a UTF-8 copy (decoding GB18030 / UTF-16, dropping a BOM, turning whitespace-separated
 * columns into tabs). Memory stays flat whatever the file's size. Bytes that cannot be decoded stay invalid in the
 * copy (see UNDECODABLE) so the reader rejects just their rows.
 */
export async function toUtf8(src: string, dest: string, encoding: TextEncoding, opts: { whitespace?: boolean } = {}): Promise<void> {
  const bytes = byteCounter();
  const stages: NodeJS.ReadWriteStream[] = [bytes.count, iconv.decodeStream(encoding)];
  if (opts.whitespace) stages.push(whitespaceToTabs());
  stages.push(encodeMarked(() => encoding.startsWith('utf16') && bytes.odd()));
  await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), ...(stages as [NodeJS.ReadWriteStream]), createWriteStream(dest));
}
