import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { UserError } from '../../errors.ts';
import { headerIndex, HEADER_SEARCH } from './header.ts';

/** A cell as text the way Excel shows it in General format. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    // Excel stores wall-clock times; exceljs hands them over as UTC dates, a serial's float error off by a millisecond.
    const iso = new Date(Math.round(v.getTime() / 1000) * 1000).toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
  }
  // A whole number as written (a phone or a 16-digit card number typed as a number); a fraction to the 15 significant
  // digits Excel shows, so a float's noise (0.30000000000000004) is not read as data.
  if (typeof v === 'number') return !Number.isFinite(v) ? '' : Number.isInteger(v) ? v.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 }) : String(Number(v.toPrecision(15)));
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: { text: string }[]; error?: string; formula?: string; sharedFormula?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return cellText(o.text);
    if (o.result !== undefined) return cellText(o.result);
    if (o.error || o.formula !== undefined || o.sharedFormula !== undefined) return '';
    return JSON.stringify(v);
  }
  return String(v);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type SheetRows = AsyncIterable<{ values: unknown[]; number: number }> & { name?: string; id?: number };

/**
 * What one sheet may hold: Excel's own row and column limits, a bound on the filled cells, and one on the sum of
 * each row's extent (its last column): exceljs spends time on every column up to a row's last cell, so a sheet whose
 * rows each hold one cell in column XFD costs a thousand times a normal one. The extent may pass `extent` only while
 * it stays within `extentPerCell` times the filled cells (an export of 80 columns, a few filled a row, is fine).
 */
export interface SheetLimits {
  rows: number;
  columns: number;
  cells: number;
  extent: number;
  extentPerCell: number;
}

export const SHEET_LIMITS: SheetLimits = { rows: 1_048_576, columns: 16_384, cells: 50_000_000, extent: 20_000_000, extentPerCell: 100 };

/** Counts what a sheet has held so far and stops at its limits with an error naming the file. */
class SheetBudget {
  private cells = 0;
  private rows = 0;
  private extent = 0;
  constructor(private readonly shown: string, private readonly name: string, private readonly limits: SheetLimits) {}

  /** A row read: its number, filled cells and last column. */
  row(number: number, filled: number, last: number): void {
    this.cells += filled;
    this.extent += last;
    const max = this.limits.rows.toLocaleString('en-US');
    if (++this.rows > this.limits.rows || number > this.limits.rows) this.fail(`more than the ${max} rows a sheet can have`, `超过工作表最多 ${this.limits.rows} 行`);
    if (this.cells > this.limits.cells) this.fail(`more than ${this.limits.cells.toLocaleString('en-US')} filled cells`, `超过 ${this.limits.cells} 个非空单元格`);
    if (this.extent > this.limits.extent && this.extent > this.limits.extentPerCell * this.cells) this.fail(`rows reaching far to the right of any table (${this.extent.toLocaleString('en-US')} columns in ${this.rows.toLocaleString('en-US')} rows)`, `大量行延伸到表格右侧很远处（${this.rows} 行共 ${this.extent} 列）`);
  }

  column(index: number): void {
    if (index > this.limits.columns) this.fail(`a cell in column ${index}, beyond the ${this.limits.columns.toLocaleString('en-US')} columns a sheet can have`, `第 ${index} 列超过工作表最多 ${this.limits.columns} 列`);
  }

  private fail(en: string, zh: string): never {
    throw new UserError('xlsx_too_large', `${this.shown} was not read: sheet '${this.name}' holds ${en}. Save the sheet as CSV, or remove what lies outside the table, and import it again.`,
      `${this.shown} 未读取：工作表 '${this.name}' ${zh}。请另存为 CSV，或删除表格以外的内容后重新导入。`, 413);
  }
}

/**
 * A row's cells as text, up to `width` columns (exceljs hands a sparse array indexed by column: only the cells the
 * sheet stores are visited, so one cell far to the right costs nothing), trailing empty cells dropped.
 */
function rowCells(raw: unknown[], width: number, budget: SheetBudget): { values: string[]; filled: number; extent: number } {
  const values: string[] = [];
  let filled = 0;
  let last = 0;
  raw.forEach((v, i) => {
    if (i === 0) return;
    budget.column(i);
    const text = cellText(v);
    if (!text.trim()) return;
    filled++;
    if (i > width) return;
    values[i - 1] = text;
    last = i;
  });
  values.length = last;
  for (let i = 0; i < last; i++) values[i] ??= '';
  return { values, filled, extent: Math.max(raw.length - 1, 0) };
}

/**
 * Streams one worksheet of an XLSX file (by name, else the first) into a UTF-8 CSV, row by row, so memory stays
 * flat. Line n of the CSV is row n of the sheet (rows Excel does not store become empty lines), so rejected rows are
 * reported with the row number Excel shows; trailing empty cells, and cells right of the header's columns, are dropped. Without `--sheet`, a first sheet that
 * holds no rows (a cover or notes sheet) is an error that names the sheets that do.
 */
export async function xlsxToCsv(src: string, dest: string, shown: string, sheet?: string, limits: SheetLimits = SHEET_LIMITS): Promise<{ sheet: string; rows: number }> {
  const out = createWriteStream(dest, { mode: 0o600 });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(src, { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'cache', entries: 'emit' });
  const seen: { name: string; rows: number }[] = [];
  let picked: string | null = null;
  let rows = 0;
  try {
    for await (const ws of reader) {
      const w = ws as unknown as SheetRows;
      const name = w.name ?? `Sheet${w.id ?? seen.length + 1}`;
      const budget = new SheetBudget(shown, name, limits);
      if (picked !== null || (sheet !== undefined && name !== sheet)) {
        seen.push({ name, rows: await countRows(w, budget) });
        continue;
      }
      picked = name;
      rows = await writeSheet(w, out, budget);
      seen.push({ name, rows });
    }
  } catch (e) {
    // A write still pending fails once the stream is destroyed: that is expected here, not an uncaught error.
    out.on('error', () => undefined);
    out.destroy();
    if (e instanceof UserError) throw e;
    const why = (e as Error).message;
    throw new UserError('xlsx_unreadable', `${shown} cannot be read as an XLSX workbook (${why}): is it a complete .xlsx file?`, `无法按 XLSX 工作簿读取 ${shown}（${why}），文件是否完整？`);
  }
  out.end();
  await once(out, 'close');
  const withRows = seen.filter((s) => s.name !== picked && s.rows > 1);
  const others = withRows.map((s) => `${s.name} (${s.rows - 1} rows)`);
  if (picked === null) {
    const names = seen.map((s) => s.name);
    throw new UserError('sheet_not_found', `No sheet named '${sheet}' in ${shown}; it has: ${names.join(', ')}.`, `${shown} 中没有名为 '${sheet}' 的工作表；现有：${names.join('、')}。`);
  }
  if (rows <= 1 && sheet === undefined && others.length) {
    throw new UserError('sheet_empty', `The first sheet of ${shown}, '${picked}', holds no rows; choose one with --sheet: ${others.join(', ')}.`,
      `${shown} 的第一个工作表 '${picked}' 没有数据行；请用 --sheet 选择：${withRows.map((s) => `${s.name}（${s.rows - 1} 行）`).join('、')}。`);
  }
  if (!rows) throw new UserError('file_empty', `Sheet '${picked}' of ${shown} is empty.`, `${shown} 的工作表 '${picked}' 是空的。`);
  return { sheet: picked, rows: Math.max(0, rows - 1) };
}

/**
 * Writes a sheet's rows with a filled cell as CSV lines, line n for sheet row n. Cells right of the header row's last
 * column have no name to map them by and are dropped: unlike a surplus field in CSV, they cannot have shifted the
 * others. The header is found as in CSV (headerIndex) among the first rows, which are held until it is known.
 */
async function writeSheet(w: SheetRows, out: WriteStream, budget: SheetBudget): Promise<number> {
  const held: { number: number; values: string[] }[] = [];
  let width = Infinity;
  let line = 0;
  let rows = 0;
  const emit = async (r: { number: number; values: string[] }) => {
    const text = '\n'.repeat(Math.max(0, r.number - line - 1)) + r.values.slice(0, width).map(csvField).join(',') + '\n';
    line = r.number;
    rows++;
    if (!out.write(text)) await once(out, 'drain');
  };
  const release = async () => {
    const header = held[headerIndex(held.map((r) => r.values))];
    if (header) width = header.values.length;
    for (const r of held.splice(0)) await emit(r);
  };
  for await (const row of w) {
    const { values, filled, extent } = rowCells(row.values as unknown[], width, budget);
    budget.row(row.number, filled, extent);
    if (!values.length) continue;
    if (width === Infinity && held.length < HEADER_SEARCH) {
      held.push({ number: row.number, values });
      if (held.length === HEADER_SEARCH) await release();
      continue;
    }
    await emit({ number: row.number, values });
  }
  await release();
  return rows;
}

/** Rows with a filled cell (drains the sheet, as the streaming reader requires). */
async function countRows(w: SheetRows, budget: SheetBudget): Promise<number> {
  let n = 0;
  for await (const row of w) {
    const { filled, extent } = rowCells(row.values as unknown[], Infinity, budget);
    budget.row(row.number, filled, extent);
    if (filled) n++;
  }
  return n;
}
