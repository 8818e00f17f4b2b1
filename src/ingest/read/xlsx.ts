import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { UserError } from '../../errors.ts';

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    // Excel stores wall-clock times; exceljs hands them over as UTC dates.
    const iso = v.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: { text: string }[]; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return cellText(o.text);
    if (o.result !== undefined) return cellText(o.result);
    if (o.error) return '';
    return JSON.stringify(v);
  }
  return String(v);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Streams one worksheet of an XLSX file (by name, else the first) into a UTF-8 CSV, row by row, so memory stays
 * flat. Returns the sheet's name and the number of data rows written.
 */
export async function xlsxToCsv(src: string, dest: string, sheet?: string): Promise<{ sheet: string; rows: number }> {
  const out = createWriteStream(dest);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(src, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'emit' });
  const seen: string[] = [];
  let picked: string | null = null;
  let rows = 0;
  try {
    for await (const ws of reader) {
      const w = ws as unknown as AsyncIterable<{ values: unknown[] }> & { name?: string; id?: number };
      const name = w.name ?? `Sheet${w.id ?? seen.length + 1}`;
      seen.push(name);
      if (picked || (sheet && name !== sheet)) {
        for await (const _row of w) void _row; // drain
        continue;
      }
      picked = name;
      let width = 0;
      for await (const row of w) {
        const values = (row.values as unknown[]).slice(1);
        if (!width) width = values.length;
        const cells = Array.from({ length: width }, (_, i) => csvField(cellText(values[i])));
        if (!out.write(cells.join(',') + '\n')) await once(out, 'drain');
        rows++;
      }
    }
  } catch (e) {
    out.destroy();
    throw new UserError('xlsx_unreadable', `The XLSX file cannot be read (${(e as Error).message}); is it a complete .xlsx workbook?`, `无法读取该 XLSX 文件（${(e as Error).message}），文件是否完整？`);
  }
  out.end();
  await once(out, 'close');
  if (!picked) {
    throw new UserError('sheet_not_found', `No sheet named '${sheet}' in the workbook; it has: ${seen.join(', ')}.`, `工作簿中没有名为 '${sheet}' 的工作表；现有：${seen.join('、')}。`);
  }
  return { sheet: picked, rows: Math.max(0, rows - 1) };
}
