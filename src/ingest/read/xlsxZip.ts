import { closeSync, openSync, readSync, writeSync, fstatSync } from 'node:fs';
import { createInflateRaw } from 'node:zlib';
import { UserError } from '../../errors.ts';
import { chunksOf } from './bytes.ts';

/**
 * An XLSX file's zip container, checked and laid out before exceljs reads it (解压上限).
 *
 * - **Bounded unpacking**: every entry is inflated once here, counting bytes, before anything is parsed — a
 *   decompression bomb (a sheet of a million empty rows compresses a thousandfold) is refused with its file named
 *   as soon as it passes the limits, whatever sizes its headers claim. Limits: `maxUnpacked` bytes in all (2 GiB), and
 *   an entry that unpacks to more than 100 MiB at over `maxRatio` (100) times its packed size.
 * - **No plaintext outside the scratch**: exceljs streams a sheet only when the workbook's relations and shared
 *   strings came before it in the zip; otherwise it copies the sheet, unpacked, into the OS temp directory. Excel
 *   writes sharedStrings.xml after the sheets, and a workbook of inline strings has none: so the entries are copied
 *   (still compressed) into a new zip in the scratch directory with those parts first, and an empty sharedStrings.xml
 *   added where there is none.
 */

export interface ZipLimits {
  maxUnpacked: number;
  maxRatio: number;
}

export const XLSX_LIMITS: ZipLimits = { maxUnpacked: 2 * 1024 ** 3, maxRatio: 100 };
const RATIO_FLOOR = 100 * 1024 ** 2;

interface Entry {
  name: Buffer;
  method: number;
  crc: number;
  packed: number;
  unpacked: number;
  /** Where the packed bytes start. */
  data: number;
  time: number;
  date: number;
}

/** The workbook parts exceljs must see before any sheet. */
const FIRST = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/sharedStrings.xml', 'xl/styles.xml'];
const EMPTY_SST = Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>');

const unreadable = (shown: string, why: string) =>
  new UserError('xlsx_unreadable', `${shown} cannot be read as an XLSX workbook (${why}): is it a complete .xlsx file?`, `无法按 XLSX 工作簿读取 ${shown}（${why}），文件是否完整？`);

/** Checks `src`'s unpacked size and writes its entries, workbook parts first, to `dest`; returns the bytes unpacked. */
export async function layOutXlsx(src: string, dest: string, shown: string, limits: ZipLimits = XLSX_LIMITS): Promise<number> {
  const entries = centralDirectory(src, shown);
  let total = 0;
  for (const e of entries) {
    const n = await unpackedSize(src, e, shown, limits.maxUnpacked - total);
    if (n > RATIO_FLOOR && n > limits.maxRatio * Math.max(e.packed, 1)) {
      throw new UserError('xlsx_bomb', `${shown} was not read: its part ${e.name.toString('utf8')} unpacks to ${mib(n)} from ${mib(e.packed)} (over ${limits.maxRatio} times), which no real sheet does — a decompression bomb, or a sheet of millions of empty rows. Save the sheet as CSV, or remove the empty rows, and import it again.`,
        `${shown} 未读取：其中 ${e.name.toString('utf8')} 由 ${mib(e.packed)} 解压为 ${mib(n)}（超过 ${limits.maxRatio} 倍），正常表格不会如此——可能是解压炸弹或含数百万空行。请另存为 CSV 或删除空行后重新导入。`, 413);
    }
    e.unpacked = n;
    total += n;
  }
  const order = (e: Entry) => {
    const i = FIRST.indexOf(e.name.toString('utf8'));
    return i < 0 ? FIRST.length : i;
  };
  const sorted = entries.map((e, i) => ({ e, i })).sort((a, b) => order(a.e) - order(b.e) || a.i - b.i).map((x) => x.e);
  writeZip(src, dest, sorted, !entries.some((e) => e.name.toString('utf8') === 'xl/sharedStrings.xml'));
  return total;
}

const mib = (n: number) => `${(n / 1024 ** 2).toFixed(n < 1024 ** 2 ? 2 : 0)} MiB`;

/** The entries of the zip's central directory (zip64 sizes and offsets read). */
function centralDirectory(path: string, shown: string): Entry[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 65557));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
    if (eocd < 0) throw unreadable(shown, 'no zip directory: the file is cut short');
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdAt = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdAt === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw unreadable(shown, 'a zip64 directory without its locator');
      const rec = Buffer.alloc(56);
      readSync(fd, rec, 0, 56, Number(tail.readBigUInt64LE(loc + 8)));
      if (rec.readUInt32LE(0) !== 0x06064b50) throw unreadable(shown, 'a damaged zip64 directory');
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdAt = Number(rec.readBigUInt64LE(48));
    }
    if (count > 100_000 || cdAt + cdSize > size) throw unreadable(shown, 'a damaged zip directory');
    const cd = Buffer.alloc(cdSize);
    readSync(fd, cd, 0, cdSize, cdAt);
    const out: Entry[] = [];
    for (let at = 0, i = 0; i < count; i++) {
      if (at + 46 > cd.length || cd.readUInt32LE(at) !== 0x02014b50) throw unreadable(shown, 'a damaged zip directory');
      const nameLen = cd.readUInt16LE(at + 28), extraLen = cd.readUInt16LE(at + 30), commentLen = cd.readUInt16LE(at + 32);
      let packed = cd.readUInt32LE(at + 20), unpacked = cd.readUInt32LE(at + 24), local = cd.readUInt32LE(at + 42);
      const extra = cd.subarray(at + 46 + nameLen, at + 46 + nameLen + extraLen);
      for (let x = 0; x + 4 <= extra.length;) {
        const id = extra.readUInt16LE(x), len = extra.readUInt16LE(x + 2);
        if (id === 0x0001) {
          let p = x + 4;
          const next = () => { const v = Number(extra.readBigUInt64LE(p)); p += 8; return v; };
          if (unpacked === 0xffffffff) unpacked = next();
          if (packed === 0xffffffff) packed = next();
          if (local === 0xffffffff) local = next();
        }
        x += 4 + len;
      }
      const lh = Buffer.alloc(30);
      readSync(fd, lh, 0, 30, local);
      if (lh.readUInt32LE(0) !== 0x04034b50) throw unreadable(shown, 'a damaged zip entry');
      const data = local + 30 + lh.readUInt16LE(26) + lh.readUInt16LE(28);
      if (data + packed > size) throw unreadable(shown, 'a zip entry runs past the end of the file: it is cut short');
      out.push({ name: Buffer.from(cd.subarray(at + 46, at + 46 + nameLen)), method: cd.readUInt16LE(at + 10), crc: cd.readUInt32LE(at + 16), packed, unpacked, data, time: cd.readUInt16LE(at + 12), date: cd.readUInt16LE(at + 14) });
      at += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** An entry's true unpacked size, inflating it with a counter that stops past `room` bytes. */
async function unpackedSize(path: string, e: Entry, shown: string, room: number): Promise<number> {
  const tooLarge = () => new UserError('xlsx_too_large', `${shown} was not read: it unpacks to more than ${mib(XLSX_LIMITS.maxUnpacked)} (at ${e.name.toString('utf8')}). Save the sheet as CSV (read without this limit) and import that.`,
    `${shown} 未读取：解压后超过 ${mib(XLSX_LIMITS.maxUnpacked)}（于 ${e.name.toString('utf8')}）。请另存为 CSV（不受此限制）后导入。`, 413);
  if (e.method === 0) {
    if (e.packed > room) throw tooLarge();
    return e.packed;
  }
  if (e.method !== 8) throw unreadable(shown, `a part packed with method ${e.method}, not deflate`);
  const inflate = createInflateRaw();
  let n = 0;
  let failed: unknown = null;
  inflate.on('data', (b: Buffer) => {
    n += b.length;
    if (n > room && !failed) {
      failed = tooLarge();
      inflate.destroy();
    }
  });
  const ended = new Promise<void>((resolve) => {
    inflate.on('end', resolve);
    inflate.on('close', resolve);
    inflate.on('error', (err) => {
      failed ??= unreadable(shown, `a damaged part ${e.name.toString('utf8')}: ${err.message}`);
      resolve();
    });
  });
  for (const { bytes } of chunksOf(path, { from: e.data, to: e.data + e.packed })) {
    if (failed) break;
    if (!inflate.write(Buffer.from(bytes))) await new Promise((r) => inflate.once('drain', r));
  }
  if (!failed) inflate.end();
  await ended;
  if (failed) throw failed;
  return n;
}

/** A zip of the entries in the order given, their packed bytes copied as they are (no data descriptors). */
function writeZip(src: string, dest: string, entries: Entry[], addSharedStrings: boolean): void {
  const out = openSync(dest, 'w', 0o600);
  const central: Buffer[] = [];
  let at = 0;
  const put = (b: Buffer) => {
    writeSync(out, b);
    at += b.length;
  };
  const header = (sig: number, e: { name: Buffer; method: number; crc: number; packed: number; unpacked: number; time: number; date: number }, local: number) => {
    const cd = sig === 0x02014b50;
    const b = Buffer.alloc(cd ? 46 : 30);
    let p = 0;
    const u16 = (v: number) => { b.writeUInt16LE(v, p); p += 2; };
    const u32 = (v: number) => { b.writeUInt32LE(v >>> 0, p); p += 4; };
    u32(sig);
    if (cd) u16(20);
    u16(20); u16(0x0800); u16(e.method); u16(e.time); u16(e.date); u32(e.crc); u32(e.packed); u32(e.unpacked); u16(e.name.length); u16(0);
    if (cd) { u16(0); u16(0); u16(0); u32(0); u32(local); }
    return Buffer.concat([b, e.name]);
  };
  try {
    const write = (e: Entry | { name: Buffer; method: number; crc: number; packed: number; unpacked: number; time: number; date: number; bytes: Buffer }) => {
      if (at > 0xffffffff || e.packed > 0xffffffff || e.unpacked > 0xffffffff) throw new Error('an XLSX part beyond 4 GiB');
      const local = at;
      put(header(0x04034b50, e, local));
      if ('bytes' in e) put(e.bytes);
      else for (const { bytes } of chunksOf(src, { from: e.data, to: e.data + e.packed })) put(bytes);
      central.push(header(0x02014b50, e, local));
    };
    let added = !addSharedStrings;
    for (const e of entries) {
      // An empty sharedStrings.xml goes where the real one would stand: after the workbook, before any sheet.
      if (!added && FIRST.indexOf(e.name.toString('utf8')) < 0) {
        write({ name: Buffer.from('xl/sharedStrings.xml'), method: 0, crc: crc32(EMPTY_SST), packed: EMPTY_SST.length, unpacked: EMPTY_SST.length, time: 0, date: 0x21, bytes: EMPTY_SST });
        added = true;
      }
      write(e);
    }
    const cdAt = at;
    for (const c of central) put(c);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(central.length, 8);
    end.writeUInt16LE(central.length, 10);
    end.writeUInt32LE(at - cdAt, 12);
    end.writeUInt32LE(cdAt, 16);
    put(end);
  } finally {
    closeSync(out);
  }
}

function crc32(b: Buffer): number {
  let c = ~0;
  for (const byte of b) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
