import { open, type FileHandle } from 'node:fs/promises';
import iconv from 'iconv-lite';

/**
 * A text file written in order through a buffer: UTF-8, UTF-8 with BOM (Shopify-style exports) or GBK (Chinese
 * POS / Taobao exports, via iconv-lite). Lines are encoded in chunks; GBK is stateless, so chunking by lines gives
 * the same bytes as encoding the whole file. `await sink.drain()` between batches keeps memory bounded.
 */
export type TextEncoding = 'utf8' | 'utf8-bom' | 'gbk';

export class TextSink {
  private parts: string[] = [];
  private size = 0;
  rows = 0;
  private constructor(private readonly fh: FileHandle, private readonly encoding: TextEncoding, readonly path: string) {}

  static async create(path: string, encoding: TextEncoding = 'utf8'): Promise<TextSink> {
    const sink = new TextSink(await open(path, 'w'), encoding, path);
    if (encoding === 'utf8-bom') await sink.fh.write(Buffer.from([0xef, 0xbb, 0xbf]));
    return sink;
  }

  /** One line (the newline is added; CSV files use CRLF like the exporters, JSONL uses LF). */
  line(text: string, eol = '\n'): void {
    this.parts.push(text, eol);
    this.size += text.length + 1;
    this.rows++;
  }

  get pending(): number {
    return this.size;
  }

  async drain(): Promise<void> {
    if (!this.parts.length) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.fh.write(this.encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8'));
  }

  async close(): Promise<void> {
    await this.drain();
    await this.fh.close();
  }
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',');
}

/** Yuan with 2 decimals from integer cents: 12345 → '123.45'. */
export function yuan(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const c = Math.abs(cents);
  return `${sign}${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
}
