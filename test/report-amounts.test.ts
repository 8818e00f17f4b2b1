// The report's amounts agree with `siyu insight kpi --json` to the unit, in both languages, over months whose GMV
// spans ¥0.05 to ¥10亿 (issue #18 item 1: "¥63k" for ¥630k, "11万" for 110万). From the user's side: both numbers come
// from the real CLI; the report is its Markdown output, parsed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp } from '../src/app/context.ts';
import { KPI_CATALOGUE } from '../src/domain/metrics/kpis.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
let dir: string;
const siyu = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir, SIYU_REPORT_SCHEDULE: 'off' }, encoding: 'utf8' });
  assert.equal(r.status, 0, `siyu ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

/** Each month: its orders' amounts (three customers). GMVs ¥0.05, ¥632,145.49, ¥12,345,678 and ¥10亿. */
const MONTHS: { month: string; to: string; amounts: number[] }[] = [
  { month: '2026-01', to: '2026-01-31', amounts: [0.01, 0.01, 0.03] },
  { month: '2026-02', to: '2026-02-28', amounts: [630000, 2000, 145.49] },
  { month: '2026-03', to: '2026-03-31', amounts: [11000000, 1000000, 345678] },
  { month: '2026-04', to: '2026-04-30', amounts: [999999999.99, 0.01] },
];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siyu-report-amounts-'));
  const app = await openApp({ dir });
  try {
    await app.warehouse.run(`insert into customers (workspace_id, id, gender) select 1, i, 'female' from range(1, 4) t(i)`);
    let n = 0;
    for (const m of MONTHS) {
      for (const [i, amount] of m.amounts.entries()) {
        n++;
        await app.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount, item_count)
          values (1, $id, $c, $day::timestamp + interval 10 hour, $day::date, 'paid', $amount::decimal(18,2), 1)`,
        { id: `o${n}`, c: (i % 3) + 1, day: `${m.month}-1${i}`, amount: String(amount) });
      }
    }
    await app.warehouse.checkpoint();
  } finally {
    await app.close();
  }
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** A printed amount's value and the size of its last digit ("¥63.21万" → 632,100 ± 50). */
function parseYuan(s: string): { value: number; unit: number } {
  const m = /^(-?)¥([\d,]+)(?:\.(\d+))?(万|亿|k|M|B)?$/.exec(s);
  assert.ok(m, `not an amount: ${s}`);
  const scale = { 万: 1e4, 亿: 1e8, k: 1e3, M: 1e6, B: 1e9 }[m[4] as '万'] ?? 1;
  const digits = m[3]?.length ?? 0;
  const value = Number(`${m[2].replace(/,/g, '')}.${m[3] ?? '0'}`) * scale * (m[1] ? -1 : 1);
  return { value, unit: scale / 10 ** digits };
}

/** Within half of the printed last digit: the amount agrees with the KPI to the unit it is written in. */
function agrees(printed: string, kpi: number, what: string): void {
  const { value, unit } = parseYuan(printed);
  assert.ok(Math.abs(value - kpi) <= unit / 2 + 1e-6, `${what}: printed ${printed} (${value}), the KPI is ${kpi}`);
}

const label = (key: string, lang: 'zh' | 'en') => {
  const c = KPI_CATALOGUE.find((x) => x[0] === key)!;
  return lang === 'zh' ? c[1] : c[2];
};

for (const m of MONTHS) {
  test(`${m.month}: GMV ¥${m.amounts.reduce((s, x) => s + x, 0).toFixed(2)} — the report's tiles and sentences agree with insight kpi, zh and en`, () => {
    const from = `${m.month}-01`;
    const kpi = JSON.parse(siyu('insight', 'kpi', '--from', from, '--to', m.to, '--json')) as Record<string, number>;
    assert.ok(Math.abs(kpi.gmv - m.amounts.reduce((s, x) => s + x, 0)) < 0.005, `kpi gmv ${kpi.gmv}`);
    for (const lang of ['zh', 'en'] as const) {
      const out = join(dir, `r-${m.month}-${lang}.md`);
      siyu('report', '--lang', lang, '--format', 'md', '--from', from, '--to', m.to, '--out', out);
      const md = readFileSync(out, 'utf8');
      // the KPI table: exact to the yuan (cents below ¥1,000)
      for (const key of ['gmv', 'aov', 'net_revenue']) {
        const row = md.split('\n').find((l) => l.startsWith(`| ${label(key, lang)} |`));
        assert.ok(row, `${lang}: no KPI row for ${key}`);
        const cur = row.split('|')[2].trim();
        agrees(cur, kpi[key], `${lang} ${key} tile`);
        assert.ok(parseYuan(cur).unit <= 1, `${lang} ${key} tile is not to the unit: ${cur}`);
      }
      for (const key of ['orders', 'customers']) {
        const row = md.split('\n').find((l) => l.startsWith(`| ${label(key, lang)} |`))!;
        assert.equal(Number(row.split('|')[2].trim().replace(/,/g, '')), kpi[key], `${lang} ${key}`);
      }
      // the summary's sentence: compact, right to its last printed digit
      const said = lang === 'zh' ? /下单 [\d,.万亿]+ 笔，成交 (-?¥[\d,.]+(?:万|亿)?)/.exec(md) : /orders worth (-?¥[\d,.]+[kMB]?)/.exec(md);
      assert.ok(said, `${lang}: the summary's GMV sentence is missing`);
      agrees(said[1], kpi.gmv, `${lang} summary sentence`);
    }
  });
}
