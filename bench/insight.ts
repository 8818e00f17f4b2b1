import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { Database } from '../src/store/duckdb/database.ts';
import { refreshAggregates } from '../src/insight/aggregates.ts';
import { splitSql } from '../src/store/migrations/migrate.ts';
import { paths } from '../src/config.ts';
import type { Benchmark, BenchRow } from './list.ts';

/**
 * The insight suite (KPIs + monthly cohorts + RFM) at SIYU_BENCH_INSIGHT_CUSTOMERS customers (default 1,000,000) and
 * SIYU_BENCH_INSIGHT_ORDERS orders (default 10,000,000), synthetic (DuckDB's hash as the generator: fixed, no seed
 * state). Siyu runs from the CLI on its own store (`siyu insight suite --json`: KPIs, cohorts and RFM in one process, tsx
 * start-up included; the three separate commands are logged too),
 * aggregates built once after the load as the importer would. Peers in the same run: pandas
 * (bench/peers/insight_pandas.py, reading the orders as CSV, its read_csv included) and hand-written DuckDB SQL over
 * the raw orders (bench/peers/insight_duckdb.sql, in-process: the limit). Peak RSS of each process via /usr/bin/time.
 */
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

function timed(cmd: string[], env: NodeJS.ProcessEnv): { seconds: number; rssMiB: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr.slice(-500)}`);
  const rss = Number(r.stderr.trim().split('\n').pop());
  return { seconds, rssMiB: rss / 1024, stdout: r.stdout };
}

/** Where Siyu's suite and the pandas peer disagree (empty when they agree on every compared number). */
function agreement(p: any, s: any): string[] {
  const out: string[] = [];
  const near = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)));
  for (const k of ['customers', 'orders', 'new_customers']) if (p.kpi[k] !== s.kpi[k]) out.push(`kpi.${k} ${p.kpi[k]} ≠ ${s.kpi[k]}`);
  if (Math.abs(p.kpi.gmv - s.kpi.gmv) >= 0.01) out.push(`kpi.gmv ${p.kpi.gmv} ≠ ${s.kpi.gmv}`);
  for (const k of ['aov', 'frequency', 'repurchase_rate']) if (!near(p.kpi[k], s.kpi[k])) out.push(`kpi.${k} ${p.kpi[k]} ≠ ${s.kpi[k]}`);
  if (p.cohorts.length !== s.cohort.cohorts.length) out.push(`cohorts ${p.cohorts.length} ≠ ${s.cohort.cohorts.length}`);
  p.cohorts.forEach((c: any, i: number) => {
    const x = s.cohort.cohorts[i];
    if (!x || c.cohort !== x.cohort || c.size !== x.size || c.retention.length !== x.retention.length || c.retention.some((r: number, k: number) => !near(r, x.retention[k]))) out.push(`cohort ${c.cohort}`);
  });
  if (JSON.stringify(p.rfm.sizes) !== JSON.stringify(s.rfm.sizes)) out.push('rfm.sizes');
  if (JSON.stringify(p.rfm.scores) !== JSON.stringify(s.rfm.scores)) out.push('rfm.scores');
  return out;
}

export const insightBenchmark: Benchmark = {
  name: 'insight',
  description: 'KPIs + monthly cohorts + RFM from the CLI vs pandas and hand-written DuckDB SQL',
  async run(ctx) {
    const customers = Number(process.env.SIYU_BENCH_INSIGHT_CUSTOMERS ?? 1_000_000);
    const orders = Number(process.env.SIYU_BENCH_INSIGHT_ORDERS ?? 10_000_000);
    const app = await openApp({ dir: ctx.dir });
    ctx.log(`generating ${customers.toLocaleString('en')} customers, ${orders.toLocaleString('en')} orders`);
    await app.warehouse.run(`insert into customers (workspace_id, id, gender) select 1, i, 'unknown' from range(1, $n + 1) t(i)`, { n: customers });
    await app.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, channel, gross_amount, source)
      select 1, 'o' || i, c, d::timestamp - interval 8 hour, d, 'ecommerce', amt, 'bench' from (
        select i, 1 + (hash(i) % $n)::bigint as c, date '2024-01-01' + (hash(i * 7 + 1) % 730)::integer as d,
          round(5 + (hash(i * 13 + 2) % 40000) / 100.0, 2)::decimal(18,2) as amt
        from range($m) t(i))`, { n: customers, m: orders });
    const t0 = performance.now();
    await refreshAggregates(app);
    const aggSeconds = (performance.now() - t0) / 1000;
    await app.warehouse.run('checkpoint');
    const csv = join(ctx.dir, 'orders.csv');
    await app.warehouse.run(`copy (select customer_id, order_date, gross_amount::double as amount from orders where status <> 'cancelled') to '${csv.replace(/'/g, "''")}' (header)`);
    app.close();
    ctx.log(`aggregates built in ${aggSeconds.toFixed(2)} s (import-time cost)`);

    const env = { ...process.env, SIYU_DATA_DIR: ctx.dir };
    const out: Record<string, any> = {};
    for (const name of ['kpi', 'cohort', 'rfm']) {
      const r = timed([process.execPath, bin, 'insight', name, '--json'], env);
      ctx.log(`siyu insight ${name}: ${r.seconds.toFixed(2)} s, ${r.rssMiB.toFixed(0)} MiB (one process each, start-up included)`);
    }
    const suite = timed([process.execPath, bin, 'insight', 'suite', '--json'], env);
    const siyu = suite.seconds;
    const siyuRss = suite.rssMiB;
    Object.assign(out, JSON.parse(suite.stdout));
    const help = timed([process.execPath, bin, '--help'], env);
    ctx.log(`siyu insight suite: ${siyu.toFixed(2)} s, ${siyuRss.toFixed(0)} MiB; of which CLI start-up ≈ ${help.seconds.toFixed(2)} s (siyu --help)`);

    const peer = timed(['/usr/bin/python3', join(import.meta.dirname, 'peers', 'insight_pandas.py'), csv], env);
    const p = JSON.parse(peer.stdout);
    ctx.log(`pandas: ${peer.seconds.toFixed(2)} s (${JSON.stringify(p.seconds)}), ${peer.rssMiB.toFixed(0)} MiB`);
    const agree = agreement(p, out);
    if (agree.length) ctx.log(`RESULTS DIFFER from pandas: ${agree.join('; ')}`);

    const db = await Database.open(paths.database(ctx.dir), { readOnly: true });
    const t1 = performance.now();
    for (const stmt of splitSql(readFileSync(join(import.meta.dirname, 'peers', 'insight_duckdb.sql'), 'utf8'))) await db.all(stmt);
    const sqlSeconds = (performance.now() - t1) / 1000;
    db.close();
    ctx.log(`hand-written DuckDB SQL: ${sqlSeconds.toFixed(2)} s`);

    const rows: BenchRow[] = [
      { metric: `insight suite, CLI (${customers.toLocaleString('en')} customers / ${orders.toLocaleString('en')} orders)`, value: siyu, unit: 's', peer: { name: 'pandas', value: peer.seconds, ratio: peer.seconds / siyu }, note: agree.length ? `RESULTS DIFFER (${agree.length})` : 'results agree (KPIs, cohort matrix, RFM sizes and scores)' },
      { metric: 'insight suite, CLI vs hand-written DuckDB SQL on raw orders', value: siyu, unit: 's', peer: { name: 'duckdb sql (in-process)', value: sqlSeconds, ratio: sqlSeconds / siyu } },
      { metric: 'insight aggregates build (once, at import)', value: aggSeconds, unit: 's' },
      { metric: 'insight peak RSS (largest CLI process)', value: siyuRss, unit: 'MiB', peer: { name: 'pandas', value: peer.rssMiB, ratio: peer.rssMiB / siyuRss } },
    ];
    return rows;
  },
};
