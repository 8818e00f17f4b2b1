// Test helper: reads the CDNOW sample (../shared/datasets/cdnow, see its SOURCE.md) and builds the calibration
// summaries with exact day counts, independently of the SQL path, so the pure model tests can run on it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CDNOW_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'datasets', 'cdnow');
export const hasCdnow = (): boolean => existsSync(join(CDNOW_DIR, 'CDNOW_sample.txt'));

export interface CdnowCustomer { id: number; x: number; tx: number; T: number; zbar: number; holdoutX: number }

const DAY = 86_400_000;
const toDay = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8))) / DAY;

/** Per sample customer: x, t_x, T in weeks (exact day counts / 7), zbar, and holdout repeat purchase-days. */
export function cdnowSample(calibrationEnd = '19970930'): CdnowCustomer[] {
  const end = toDay(calibrationEnd);
  const days = new Map<number, Map<number, number>>();
  for (const line of readFileSync(join(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const id = Number(f[1]);
    const d = toDay(f[2]);
    const m = days.get(id) ?? new Map<number, number>();
    m.set(d, (m.get(d) ?? 0) + Number(f[4]));
    days.set(id, m);
  }
  const out: CdnowCustomer[] = [];
  for (const [id, m] of [...days].sort((p, q) => p[0] - q[0])) {
    const ds = [...m.keys()].sort((p, q) => p - q);
    const cal = ds.filter((d) => d <= end);
    if (!cal.length) continue;
    const first = cal[0];
    const repeats = cal.slice(1);
    const zbar = repeats.length ? repeats.reduce((s, d) => s + m.get(d)!, 0) / repeats.length : 0;
    out.push({
      id, x: repeats.length, tx: (cal[cal.length - 1] - first) / 7, T: (end - first) / 7, zbar,
      holdoutX: ds.length - cal.length,
    });
  }
  return out;
}

/** The 2-dp summary CSV lifetimes ships (cdnow_customers_summary_with_transactions.csv): ID,x,t_x,T,zbar. */
export function cdnowSummaryCsv(): { id: number; x: number; tx: number; T: number; zbar: number }[] {
  const lines = readFileSync(join(CDNOW_DIR, 'cdnow_customers_summary_with_transactions.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((l) => {
    const [id, x, tx, T, zbar] = l.split(',').map(Number);
    return { id, x, tx, T, zbar };
  });
}
