import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { fitBgNbd, type BgNbdParams } from '../src/domain/models/bgnbd.ts';
import { fitGammaGamma, type GammaGammaParams } from '../src/domain/models/gammaGamma.ts';
import { calibrationSummaries } from '../src/models/queries/calibrationSummaries.ts';
import { simulatePurchases } from './synthetic/purchases.ts';
import { fitChurnModel, scoreChurn } from '../src/models/churn.ts';
import { refreshPurchaseSummary } from '../src/models/purchaseSummary.ts';
import type { Benchmark, BenchRow } from './list.ts';

/**
 * BG/NBD + Gamma-Gamma fit at SIYU_BENCH_MODEL_CUSTOMERS customers (default 1,000,000), synthetic orders drawn
 * from planted parameters. Siyu is timed end to end from the orders table: (x, t_x, T) and (x, zbar) built and
 * grouped in DuckDB, then both fits. The peer (bench/peers/bgnbd_scipy.py) gets the same orders as a CSV (loading not
 * timed), builds the per-customer summaries with pandas and fits with scipy BFGS on the per-customer likelihood,
 * as lifetimes does; both halves are reported separately too.
 */
const PLANTED_BG: BgNbdParams = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
const PLANTED_GG: GammaGammaParams = { p: 6, q: 3.8, gamma: 15 };
const START = '2025-01-01';
const SPAN_DAYS = 365;
const END_DAY = 364; // calibration end = 2025-12-31

export const modelsBenchmark: Benchmark = {
  name: 'models',
  description: 'BG/NBD + Gamma-Gamma fit from orders vs scipy (lifetimes-style) at 1M customers',
  async run(ctx) {
    const n = Number(process.env.SIYU_BENCH_MODEL_CUSTOMERS ?? 1_000_000);
    const app = await openApp({ dir: ctx.dir });
    try {
      ctx.log(`simulating ${n.toLocaleString('en')} customers from planted parameters`);
      await app.warehouse.run('create table bench_purchases (customer_id bigint, day integer, value double)');
      const ap = await app.warehouse.appender('bench_purchases');
      let purchases = 0;
      simulatePurchases(n, PLANTED_BG, PLANTED_GG, { spanDays: SPAN_DAYS, endDay: END_DAY, seed: 20260101 }, (c, day, value) => {
        ap.appendBigInt(BigInt(c)); ap.appendInteger(day); ap.appendDouble(value); ap.endRow();
        purchases++;
      });
      ap.flushSync(); ap.closeSync();
      await app.warehouse.run(
        `insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount, source)
         select 1, 'b' || row_number() over (), customer_id, ($start::date + day)::timestamp, $start::date + day, 'paid', value, 'bench'
         from bench_purchases`, { start: START });
      await app.warehouse.run('drop table bench_purchases');
      await app.warehouse.run(`insert into customers (workspace_id, id) select distinct 1, customer_id from orders`);
      await app.warehouse.run('checkpoint');
      const end = (await app.warehouse.all<{ d: string }>(`select ($start::date + ${END_DAY})::varchar as d`, { start: START }))[0].d;
      ctx.log(`${purchases.toLocaleString('en')} orders; calibration end ${end}`);

      // The per-customer summary the importer keeps after each load (refreshPurchaseSummary): its full build here.
      const s0 = performance.now();
      await refreshPurchaseSummary(app.warehouse, app.workspaceId, { full: true });
      const buildSeconds = (performance.now() - s0) / 1000;

      // Cold path first (no summary: per customer-day, then per customer, from the orders), then the usual path.
      const k0 = performance.now();
      const cold = await calibrationSummaries(app.warehouse, app.workspaceId, end, { triplets: true, spend: true, fromOrders: true });
      const k1 = performance.now();
      fitBgNbd(cold.triplets!);
      fitGammaGamma(cold.spend!);
      const coldSeconds = (performance.now() - k0) / 1000;
      const coldSql = (k1 - k0) / 1000;

      const t0 = performance.now();
      const { triplets, spend, source } = await calibrationSummaries(app.warehouse, app.workspaceId, end, { triplets: true, spend: true });
      const t1 = performance.now();
      const bg = fitBgNbd(triplets!);
      const gg = fitGammaGamma(spend!);
      const t2 = performance.now();
      if (source !== 'summary') throw new Error('the fit did not read the maintained summary');
      const siyuSeconds = (t2 - t0) / 1000;
      const fitOnly = (t2 - t1) / 1000;
      ctx.log(`Siyu: ${triplets!.x.length.toLocaleString('en')} distinct histories, ${spend!.x.length.toLocaleString('en')} distinct (x, zbar); summary check + grouping ${((t1 - t0) / 1000).toFixed(2)} s, fits ${fitOnly.toFixed(2)} s; cold from orders ${coldSeconds.toFixed(2)} s`);

      const csv = join(ctx.dir, 'orders.csv');
      await app.warehouse.run(`copy (select customer_id, date_diff('day', $start::date, order_date) as day, (gross_amount - refund_amount)::double as value
        from orders where workspace_id = $ws) to '${csv.replace(/'/g, "''")}' (header)`, { ws: app.workspaceId, start: START });
      const peer = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'peers', 'bgnbd_scipy.py'), '--orders', csv, String(END_DAY)], { encoding: 'utf8', maxBuffer: 1 << 20 });
      if (peer.status !== 0) throw new Error(`scipy peer failed: ${peer.stderr}`);
      const py = JSON.parse(peer.stdout) as {
        bgnbd: BgNbdParams & { loglik: number }; gammaGamma: GammaGammaParams & { loglik: number }; seconds: { summaries: number; fit: number; bgnbd: number; gammaGamma: number };
      };
      const agreeBg = Math.max(...(['r', 'alpha', 'a', 'b'] as const).map((k) => Math.abs(bg.params[k] / py.bgnbd[k] - 1)));
      const agreeGg = Math.max(...(['p', 'q', 'gamma'] as const).map((k) => Math.abs(gg.params[k] / py.gammaGamma[k] - 1)));
      const planted = (p: Record<string, number>, q: Record<string, number>) => Object.keys(q).map((k) => `${k} ${p[k].toFixed(3)}/${q[k]}`).join(', ');
      const peerTotal = py.seconds.summaries + py.seconds.fit;
      const rows: BenchRow[] = [
        {
          metric: `BG/NBD + Gamma-Gamma fit from orders (maintained summary), ${n.toLocaleString('en')} customers`, value: siyuSeconds, unit: 's',
          peer: { name: 'pandas summaries + scipy BFGS per customer', value: peerTotal, ratio: peerTotal / siyuSeconds },
          note: `${purchases.toLocaleString('en')} orders; ${triplets!.x.length.toLocaleString('en')} distinct (x, t_x, T); includes the freshness check of the summary`,
        },
        { metric: 'summaries alone (freshness check + grouping + read)', value: siyuSeconds - fitOnly, unit: 's', peer: { name: 'pandas', value: py.seconds.summaries, ratio: py.seconds.summaries / (siyuSeconds - fitOnly) } },
        {
          metric: 'same fit cold, summaries straight from the orders (no maintained summary)', value: coldSeconds, unit: 's',
          peer: { name: 'pandas summaries + scipy BFGS per customer', value: peerTotal, ratio: peerTotal / coldSeconds }, note: `SQL ${coldSql.toFixed(2)} s`,
        },
        { metric: 'maintained summary: full build from the orders (once; then incremental after imports)', value: buildSeconds, unit: 's' },
        { metric: 'fits alone (BG/NBD + Gamma-Gamma)', value: fitOnly, unit: 's', peer: { name: 'scipy BFGS per customer', value: py.seconds.fit, ratio: py.seconds.fit / fitOnly } },
        { metric: 'parameter agreement with scipy, max relative difference', value: Math.max(agreeBg, agreeGg) * 100, unit: '%', note: `BG/NBD ${(agreeBg * 100).toExponential(1)} %, GG ${(agreeGg * 100).toExponential(1)} %; LL ${bg.logLikelihood.toFixed(1)} vs ${py.bgnbd.loglik.toFixed(1)}` },
        { metric: 'planted vs fitted BG/NBD', value: bg.logLikelihood, unit: 'LL', note: planted(bg.params as unknown as Record<string, number>, PLANTED_BG as unknown as Record<string, number>) },
        { metric: 'planted vs fitted Gamma-Gamma', value: gg.logLikelihood, unit: 'LL', note: planted(gg.params as unknown as Record<string, number>, PLANTED_GG as unknown as Record<string, number>) },
      ];

      // Churn: features in SQL at two cut-offs (with a BG/NBD refit at each), IRLS training, SQL scoring with reasons.
      const c0 = performance.now();
      const churn = await fitChurnModel(app, { windowDays: 90 });
      const c1 = performance.now();
      const scored = await scoreChurn(app, {});
      const c2 = performance.now();
      rows.push(
        { metric: `churn training (features, BG/NBD refits, IRLS), ${churn.trainCustomers.toLocaleString('en')} + ${churn.testCustomers.toLocaleString('en')} customers`, value: (c1 - c0) / 1000, unit: 's', note: `IRLS alone ${churn.trainSeconds.toFixed(2)} s; held-out AUC ${churn.auc.toFixed(3)}` },
        { metric: `churn scoring with reasons (SQL), ${scored.customers.toLocaleString('en')} customers`, value: (c2 - c1) / 1000, unit: 's' },
      );

      // An import of 1 % more orders (existing customers, after the calibration end), then the incremental refresh.
      await app.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount, source)
        select 1, 'inc' || i, 1 + (i * 7919) % $n::bigint, ($start::date + (370 + i % 30)::integer)::timestamp, $start::date + (370 + i % 30)::integer, 'paid', 100, 'bench'
        from range($k) t(i)`, { n, k: Math.round(purchases / 100), start: START });
      const r0 = performance.now();
      const inc = await refreshPurchaseSummary(app.warehouse, app.workspaceId);
      rows.push({ metric: `maintained summary: refresh after an import of ${Math.round(purchases / 100).toLocaleString('en')} orders`, value: (performance.now() - r0) / 1000, unit: 's', note: `mode ${inc.mode}` });
      return rows;
    } finally {
      app.close();
    }
  },
};
