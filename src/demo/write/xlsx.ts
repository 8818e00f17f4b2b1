import { open } from 'node:fs/promises';
import ExcelJS from 'exceljs';

/**
 * A streaming XLSX sheet (exceljs WorkbookWriter: rows are committed and zipped as they come, memory stays flat).
 * Zip entries carry the time they were written, so `close()` rewrites every entry's DOS time to a fixed moment:
 * the same rows give the same bytes.
 */
export class XlsxSink {
  rows = 0;
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;

  constructor(readonly path: string, sheetName: string, header: string[], private readonly fixed: Date) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: false, useSharedStrings: false });
    this.workbook.creator = 'Siyu demo';
    this.workbook.lastModifiedBy = 'Siyu demo';
    this.workbook.created = fixed;
    this.workbook.modified = fixed;
    this.sheet = this.workbook.addWorksheet(sheetName);
    this.sheet.addRow(header).commit();
  }

  row(values: (string | number | null)[]): void {
    this.sheet.addRow(values.map((v) => (v === null ? undefined : v))).commit();
    this.rows++;
  }

  async close(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
    await fixZipTimes(this.path, this.fixed);
  }
}

/** Sets the modification time of every entry of a zip file (local headers and central directory) to `at`. */
export async function fixZipTimes(path: string, at: Date): Promise<void> {
  const dosTime = (at.getUTCHours() << 11) | (at.getUTCMinutes() << 5) | Math.floor(at.getUTCSeconds() / 2);
  const dosDate = ((at.getUTCFullYear() - 1980) << 9) | ((at.getUTCMonth() + 1) << 5) | at.getUTCDate();
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path}: not a zip file (no end of central directory)`);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const stamp = Buffer.alloc(4);
    stamp.writeUInt16LE(dosTime, 0);
    stamp.writeUInt16LE(dosDate, 2);
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: bad central directory entry ${k}`);
      stamp.copy(cd, p + 12);
      const local = cd.readUInt32LE(p + 42);
      await fh.write(stamp, 0, 4, local + 10);
      p += 46 + cd.readUInt16LE(p + 28) + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    await fh.write(cd, 0, cdSize, cdOffset);
  } finally {
    await fh.close();
  }
}
