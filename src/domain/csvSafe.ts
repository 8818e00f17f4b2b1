/**
 * Cells a spreadsheet would evaluate (CSV / formula injection, OWASP): a value written into a CSV or XLSX file that
 * Excel, WPS or LibreOffice opens must never run as a formula — `=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `-2+3+cmd…`,
 * `@SUM(…)`, a leading tab or carriage return — also after leading blanks. Such a cell gets a leading `'`, which
 * makes it text; a plain number (`-12.5`, `+86`, `1e3`) is left as it is. Pure: every writer of such files calls it.
 */

/** A value a spreadsheet reads as a number, sign included. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** First characters that start a formula (after any blanks, which spreadsheets skip). */
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** The text of a cell, made inert when a spreadsheet would evaluate it. */
export function neutraliseCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  if (!FORMULA_START.test(text) || PLAIN_NUMBER.test(text)) return text;
  return `'${text}`;
}

/** One CSV field (RFC 4180 quoting) of a neutralised cell. */
export function csvField(value: unknown): string {
  const text = neutraliseCell(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
