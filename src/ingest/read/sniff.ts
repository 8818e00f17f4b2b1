import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import { UserError } from '../../errors.ts';
import type { TextEncoding } from './encoding.ts';
import { readBytes } from './bytes.ts';

/** What a file's first bytes say it is, whatever its name. */
export type Magic = 'zip' | 'parquet' | 'ole' | 'gzip' | null;

export function magicOf(path: string): Magic {
  const b = readBytes(path, 8);
  if (b.length >= 4 && b.readUInt32BE(0) === 0x504b0304) return 'zip';
  if (b.length >= 4 && b.toString('latin1', 0, 4) === 'PAR1') return 'parquet';
  if (b.length >= 8 && b.readUInt32BE(0) === 0xd0cf11e0 && b.readUInt32BE(4) === 0xa1b11ae1) return 'ole';
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
  return null;
}

/** Unpacks a gzip file (`orders.csv.gz`) into the scratch directory; a damaged or cut archive is a clear error. */
export async function gunzipTo(src: string, dest: string, shown: string): Promise<void> {
  try {
    await pipeline(createReadStream(src), createGunzip(), createWriteStream(dest, { mode: 0o600 }));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'it ends early (cut short?)' : (e as Error).message;
    throw new UserError('gzip_unreadable', `${shown} cannot be decompressed: ${why}. Unpack it yourself to import the rows it holds.`, `${shown} 无法解压：${why === 'it ends early (cut short?)' ? '文件不完整（被截断？）' : why}。请先自行解压再导入其中的数据。`);
  }
}

const NAMES: Record<TextEncoding, [string, string]> = { utf8: ['UTF-8', 'utf8'], gb18030: ['GBK/GB18030', 'gbk'], utf16le: ['UTF-16', 'utf16'], utf16be: ['UTF-16', 'utf16'] };

/**
 * assertText for the encoding the user named: a file that is text in another encoding (a GBK export read with
 * `--encoding utf8`) is said to be that, with the option to use — not called binary data.
 */
export function assertTextAs(path: string, encoding: TextEncoding, shown: string, named: string | undefined, detected: () => TextEncoding): void {
  try {
    assertText(path, encoding, shown);
  } catch (e) {
    if (!named || named === 'auto') throw e;
    const other = detected();
    if (other === encoding) throw e;
    try {
      assertText(path, other, shown);
    } catch {
      throw e;
    }
    const [was] = NAMES[encoding];
    const [is, option] = NAMES[other];
    throw new UserError('encoding_mismatch', `${shown} is not ${was} text (--encoding ${named}): it reads as ${is}. Import it with --encoding ${option}, or leave --encoding out to detect it.`,
      `${shown} 不是 ${was} 编码（--encoding ${named}）：它是 ${is} 编码。请改用 --encoding ${option}，或去掉 --encoding 自动识别。`);
  }
}

/**
 * Text in a known encoding should be mostly printable. Random bytes, an image or an archive with a text extension
 * decode to control characters, U+FFFD and private-use characters: such a file is refused at once instead of being
 * parsed into nonsense rows.
 */
export function assertText(path: string, encoding: TextEncoding, shown: string): void {
  const b = readBytes(path, 16384);
  const text = iconv.decode(b.subarray(0, b.length - (b.length % 2 && encoding.startsWith('utf16') ? 1 : 0)), encoding);
  // GBK's user-defined area (rare names a POS system added) decodes to private-use characters: not a sign of binary there.
  const privateUseIsOdd = encoding !== 'gb18030';
  let odd = 0;
  for (const ch of text.slice(0, -2)) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffd || c === 0x7f || (privateUseIsOdd && c >= 0xe000 && c <= 0xf8ff)) odd++;
  }
  if (odd > 8 && odd > text.length / 100) {
    throw new UserError('file_not_text', `${shown} is not a text file (it looks like binary data); expected CSV/TSV text, XLSX, JSONL or Parquet.`,
      `${shown} 不是文本文件（看起来是二进制数据）；应为 CSV/TSV 文本、XLSX、JSONL 或 Parquet。`);
  }
}
