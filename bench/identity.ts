import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Benchmark, BenchRow } from './list.ts';
import { peakRssMiB } from './run.ts';
import { openApp } from '../src/app/context.ts';
import { importFiles } from '../src/ingest/index.ts';

/**
 * Identity resolution at scale: SIYU_BENCH_IDENTITY_IDS identifiers (default 5,000,000) arriving as customer rows
 * of a member number and a phone each; 10 % of the rows reuse the phone of an earlier member number (the same
 * person registered twice at two stores), so those pairs are linked. Then an incremental batch of 1 % new rows
 * that touch existing people. Reports identifiers/s (hashing the distinct values, union-find, writing customers and
 * identifiers) and peak RSS of this process.
 */
const IDS = Number(process.env.SIYU_BENCH_IDENTITY_IDS ?? 5_000_000);

async function customersCsv(file: string, rows: number, offset = 0): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const phone = (x: string) => `'1' || (30 + (${x}) % 60)::varchar || lpad(((${x}) * 7919 % 100000000)::varchar, 8, '0')`;
  await c.run(`copy (select 'M' || (i + ${offset}) as member_no,
      case when i % 10 = 9 and i > 0 then ${phone('i - 1 + ' + offset)} else ${phone('i + ' + offset)} end as phone
    from range(${rows}) t(i)) to '${file.replace(/'/g, "''")}' (header)`);
  c.closeSync();
  db.closeSync();
}

export const identityBenchmark: Benchmark = {
  name: 'identity',
  description: `identity resolution over ${IDS.toLocaleString('en')} identifiers (member no. + phone per row, 10 % linked), then an incremental 1 %`,
  async run(ctx) {
    const rows = Math.round(IDS / 2);
    const file = join(ctx.dir, 'customers.csv');
    await customersCsv(file, rows);
    const more = join(ctx.dir, 'more.csv');
    await customersCsv(more, Math.round(rows / 100), rows - Math.round(rows / 200));
    mkdirSync(join(ctx.dir, 'store'));
    const app = await openApp({ dir: join(ctx.dir, 'store') });
    const out: BenchRow[] = [];
    try {
      const t0 = Date.now();
      const s = await importFiles(app, { entity: 'customers', files: [file] });
      const sec = (Date.now() - t0) / 1000;
      ctx.log(`${rows} rows: ${sec.toFixed(1)} s, steps ${JSON.stringify(s.files[0].timings)}; ${s.identity.customersCreated} customers`);
      out.push({ metric: `resolve ${IDS.toLocaleString('en')} identifiers (import of ${rows.toLocaleString('en')} customer rows)`, value: IDS / sec, unit: 'identifiers/s', note: `${sec.toFixed(1)} s; ${s.identity.customersCreated.toLocaleString('en')} customers; resolve step ${s.files[0].timings?.resolve?.toFixed(1)} s, hashing ${s.files[0].timings?.identify?.toFixed(1)} s` });
      const t1 = Date.now();
      const m = await importFiles(app, { entity: 'customers', files: [more] });
      const sec1 = (Date.now() - t1) / 1000;
      out.push({ metric: `incremental batch of ${Math.round(rows / 100).toLocaleString('en')} rows against the resolved graph`, value: Math.round(rows / 100) / sec1, unit: 'rows/s', note: `${sec1.toFixed(1)} s; ${m.identity.customersCreated} new customers, ${m.identity.merged} merges, ${m.identity.conflicts} conflicts (no rebuild)` });
      out.push({ metric: 'identity peak RSS (this process)', value: peakRssMiB(), unit: 'MiB' });
    } finally {
      app.close();
    }
    return out;
  },
};
