import { join } from 'node:path';
import type { Benchmark, BenchRow } from './list.ts';
import { generateDemo } from '../src/demo/generate.ts';
import { loadDemo } from '../src/demo/load.ts';
import { openApp } from '../src/app/context.ts';

/**
 * Demo brand generation and load at benchmark scale (SIYU_BENCH_DEMO_CUSTOMERS, default 1,000,000): rows/s of the
 * generator (all files, streamed), rows/s of the import through the user's path (importFiles with presets), and
 * peak resident memory of each phase (the process's maxRSS after it, so the load figure includes generation's).
 */
function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export const demo: Benchmark = {
  name: 'demo',
  description: 'siyu demo: generate and load the demo brand (SIYU_BENCH_DEMO_CUSTOMERS, default 1,000,000)',
  async run(ctx) {
    const customers = Number(process.env.SIYU_BENCH_DEMO_CUSTOMERS ?? 1_000_000);
    const files = join(ctx.dir, 'files');
    let last = 0;
    const gen = await generateDemo({
      customers, seed: 1, out: files,
      onProgress: (d, n) => {
        if (d - last >= n / 10 || d === n) {
          last = d;
          ctx.log(`generated ${d}/${n} customers, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
        }
      },
    });
    const genRss = peakRssMiB();
    const rows: BenchRow[] = [
      { metric: `generate ${customers.toLocaleString('en')} customers`, value: gen.rows / gen.seconds, unit: 'rows/s', note: `${gen.rows.toLocaleString('en')} rows in ${gen.seconds.toFixed(1)} s` },
      { metric: 'generate peak RSS', value: genRss, unit: 'MiB' },
    ];
    const app = await openApp({ dir: join(ctx.dir, 'store') });
    try {
      const load = await loadDemo(app, files, (s) => ctx.log(`loaded ${s.file}: ${s.imported} rows in ${s.seconds.toFixed(1)} s`));
      const customersNow = await app.warehouse.scalar(`select count(*) from customers where workspace_id = $ws and status <> 'merged'`, { ws: app.workspaceId });
      rows.push(
        { metric: `load ${customers.toLocaleString('en')} customers`, value: load.rows / load.seconds, unit: 'rows/s', note: `${load.rows.toLocaleString('en')} rows in ${load.seconds.toFixed(1)} s; ${customersNow} customers resolved (truth ${gen.truth.people.distinct})` },
        { metric: 'generate + load peak RSS', value: peakRssMiB(), unit: 'MiB' },
      );
    } finally {
      app.close();
    }
    return rows;
  },
};
