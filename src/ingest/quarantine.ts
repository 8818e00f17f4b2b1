import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { basename, join } from 'node:path';
import type { App } from '../app/context.ts';
import { paths } from '../config.ts';
import { IDENTIFIER_COLUMNS } from './canonical.ts';
import type { Structural } from './read/reasons.ts';
import { csvField } from '../domain/csvSafe.ts';

const PII = new Set<string>([...IDENTIFIER_COLUMNS, 'name', 'birthday']);
/** A field of the quarantine CSV: quoted, and inert in a spreadsheet (a rejected row's `=HYPERLINK(…)` stays text). */
const csv = csvField;

/**
 * Writes the rejected rows of one file to `<data>/quarantine/<file>-<time>.csv` (file, line, column, reason, then
 * the row's canonical values) with a `.json` summary beside it. Identifier and name columns are masked and long
 * digit runs blanked: no plaintext PII leaves the import. Every cell a spreadsheet would evaluate is neutralised
 * (src/domain/csvSafe.ts).
 */
export async function writeQuarantine(app: App, p: string, file: string, present: Set<string>, structural: Structural[], summary: object): Promise<string | null> {
  const rejected = await app.warehouse.scalar(`select count(*) from ${p}_rows where len(_errors) > 0`);
  if (!rejected && !structural.length) return null;
  const dir = paths.quarantine(app.dir);
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const path = join(dir, `${basename(file).replace(/[^\p{L}\p{N}._-]+/gu, '_')}-${stamp}.csv`);
  const out = createWriteStream(path, { mode: 0o600 });
  const cols = [...present].filter((c) => !c.startsWith('_'));
  out.write(['file', 'line', 'column', 'reason', ...cols].map(csv).join(',') + '\n');
  // A line the reader could not split has no values: its row is padded so every line has the header's fields.
  for (const s of structural) out.write([basename(file), s.line, s.column ?? '', s.reason, ...cols.map(() => '')].map(csv).join(',') + '\n');
  const shown = cols.map((c) => {
    const v = `${c}::varchar`;
    const masked = PII.has(c) ? (c === 'name' ? `left(${v}, 1) || '*'` : `case when length(${v}) <= 4 then '****' else left(${v}, 2) || '****' || right(${v}, 2) end`) : v;
    // Eleven digits or more, single blanks or dashes between them (a phone, ID-card or bank-card number): a date such as
    // 2024-03-05 14:03:00 has ten and stays readable.
    return `regexp_replace(${masked}, '[0-9](?:[ -]?[0-9]){10,}[Xx]?', '****', 'g') as ${c}`;
  });
  await app.warehouse.run(`create temp table ${p}_q as select (row_number() over (order by _line))::bigint as k, _line, _errors, ${shown.join(', ')} from ${p}_rows where len(_errors) > 0`);
  for (let a = 1; a <= rejected; a += 50_000) {
    const rows = await app.warehouse.all(`select * from ${p}_q where k between $a and $b order by k`, { a, b: a + 49_999 });
    for (const r of rows) {
      for (const e of r._errors as string[]) {
        const i = e.indexOf(':');
        const line = [basename(file), r._line, e.slice(0, i), e.slice(i + 1).trim(), ...cols.map((c) => r[c])].map(csv).join(',') + '\n';
        if (!out.write(line)) await once(out, 'drain');
      }
    }
  }
  out.end();
  await once(out, 'close');
  writeFileSync(path.replace(/\.csv$/, '.json'), JSON.stringify({ file, quarantine: path, ...summary }, null, 2), { mode: 0o600 });
  return path;
}
