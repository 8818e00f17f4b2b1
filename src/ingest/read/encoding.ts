import { openSync, readSync, closeSync, createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import iconv from 'iconv-lite';
import type { Encoding } from '../types.ts';

/** The concrete encodings a text file is read in. */
export type TextEncoding = 'utf8' | 'gb18030' | 'utf16le' | 'utf16be';

function head(path: string, n = 65536): Buffer {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/**
 * Detects a text file's encoding from its first 64 KiB: a BOM (UTF-8, UTF-16 LE/BE as Excel writes "Unicode
 * text"), NUL bytes in every other position (UTF-16 without BOM), valid UTF-8, else GB18030 (a superset of GBK,
 * what Chinese Windows and POS systems write).
 */
export function detectEncoding(path: string, hint: Encoding = 'auto'): TextEncoding {
  if (hint === 'utf8') return 'utf8';
  if (hint === 'gbk' || hint === 'gb18030') return 'gb18030';
  const b = head(path);
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
  // Valid UTF-8 up to the last complete character of the sample.
  let end = b.length;
  if (end === 65536) {
    let k = end - 1;
    while (k > end - 4 && (b[k] & 0xc0) === 0x80) k--;
    end = k;
  }
  // UTF-8 unless invalid sequences are more than a stray damaged byte (GBK text is invalid UTF-8 almost everywhere).
  const text = new TextDecoder('utf-8').decode(b.subarray(0, end));
  const bad = text.split('\uFFFD').length - 1;
  return bad <= Math.max(2, text.length / 2000) ? 'utf8' : 'gb18030';
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
 * Streams a file into a UTF-8 copy (decoding GB18030 / UTF-16, dropping a BOM, turning whitespace-separated
 * columns into tabs). Memory stays flat whatever the file's size.
 */
export async function toUtf8(src: string, dest: string, encoding: TextEncoding, opts: { whitespace?: boolean } = {}): Promise<void> {
  const stages: NodeJS.ReadWriteStream[] = [];
  if (encoding !== 'utf8') stages.push(iconv.decodeStream(encoding === 'gb18030' ? 'gb18030' : encoding), iconv.encodeStream('utf8'));
  else stages.push(iconv.decodeStream('utf8'), iconv.encodeStream('utf8'));
  if (opts.whitespace) stages.push(whitespaceToTabs());
  await pipeline(createReadStream(src, { highWaterMark: 1 << 20 }), ...(stages as [NodeJS.ReadWriteStream]), createWriteStream(dest));
}
