/**
 * Plain-text tables for the terminal (文本表格): columns padded to the widest cell, where a CJK character takes two
 * columns, numbers right-aligned. Headers are bilingual ("人数 Size"), as the rest of the CLI's human output.
 */

/** Display width of a string on a terminal: East Asian wide and full-width characters count 2. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3)
      || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6)
      || (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

const pad = (s: string, width: number, right: boolean) => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
};

export type Cell = string | number | null | undefined;

/** Formats a table; `right[i]` right-aligns column i (default: right for numbers in the first row). */
export function textTable(headers: string[], rows: Cell[][], right?: boolean[]): string {
  const text = rows.map((r) => headers.map((_, i) => (r[i] === null || r[i] === undefined ? '—' : String(r[i]))));
  const align = right ?? headers.map((_, i) => rows.length > 0 && typeof rows[0][i] === 'number');
  const widths = headers.map((h, i) => Math.max(displayWidth(h), ...text.map((r) => displayWidth(r[i]))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i], align[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}
