import { spawn } from 'node:child_process';
import { readFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Benchmark, BenchRow } from './list.ts';

/**
 * Import throughput (DESIGN.md §6: within 1.3× of DuckDB's own read_csv on the same plain CSV, memory flat in file
 * size). One CSV of SIYU_BENCH_IMPORT_ROWS order rows (default 10,000,000; ≈ 0.34 distinct member numbers per row,
 * like 10M order lines over 3.4M customers) is loaded three ways in child processes:
 *   - `siyu import orders` into a fresh store (read, coerce, validate, hash the distinct member numbers, resolve
 *     identities, write orders) — our figure;
 *   - DuckDB `create table as select * from read_csv(…)` into a fresh file — the limit (no coercion, no identities);
 *   - pandas read_csv + date/amount parsing + dedupe + to_pickle (bench/peers/import_pandas.py) — the peer.
 * Peak RSS is each child's VmHWM.
 */
const ROWS = Number(process.env.SIYU_BENCH_IMPORT_ROWS ?? 10_000_000);
const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

async function generate(file: string, rows: number): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const customers = Math.max(1, Math.round(rows * 0.34));
  await c.run(`copy (select 'O' || i as order_id, 'M' || lpad((hash(i) % ${customers})::varchar, 8, '0') as member_no,
      strftime(timestamp '2023-01-01' + to_seconds((hash(i * 7) % 31536000)::bigint), '%Y-%m-%d %H:%M:%S') as ordered_at,
      round(((hash(i * 13) % 50000) + 100) / 100.0, 2)::decimal(18,2) as gross_amount, (1 + i % 5)::integer as item_count,
      (['pos', 'mini_program', 'ecommerce'])[1 + i % 3] as channel
    from range(${rows}) t(i)) to '${file.replace(/'/g, "''")}' (header, delimiter ',')`);
  c.closeSync();
  db.closeSync();
}

/** Runs a command, polling its VmHWM; resolves with wall seconds, peak RSS (MiB) and stdout. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ seconds: number; rssMiB: number; stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwm = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) / 1024);
      } catch { /* exited */ }
    }, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (code !== 0) console.error(stderr.slice(-2000));
      resolve({ seconds: Number(process.hrtime.bigint() - t0) / 1e9, rssMiB: hwm, stdout, code: code ?? 1 });
    });
  });
}

const DUCKDB_LIMIT = `
const { DuckDBInstance } = await import('@duckdb/node-api');
const db = await DuckDBInstance.create(process.argv[1]);
const c = await db.connect();
await c.run("create table orders as select * from read_csv('" + process.argv[2].replace(/'/g, "''") + "')");
const n = (await c.runAndReadAll('select count(*) from orders')).getRows()[0][0];
c.closeSync(); db.closeSync();
console.log(String(n));`;

export const importBenchmark: Benchmark = {
  name: 'import',
  description: `siyu import orders of ${ROWS.toLocaleString('en')} rows vs DuckDB read_csv (the limit) and a pandas read-and-write peer; peak RSS`,
  async run(ctx) {
    const file = join(ctx.dir, 'orders.csv');
    await generate(file, ROWS);
    const mb = statSync(file).size / 1024 ** 2;
    ctx.log(`generated ${ROWS} rows (${mb.toFixed(0)} MiB)`);
    const rows: BenchRow[] = [];

    const limit = await measure(process.execPath, ['--input-type=module', '-e', DUCKDB_LIMIT, join(ctx.dir, 'limit.duckdb'), file], { ...process.env, NODE_PATH: join(import.meta.dirname, '..', 'node_modules') });
    ctx.log(`duckdb read_csv: ${limit.seconds.toFixed(1)} s (${limit.stdout.trim()} rows)`);

    const store = join(ctx.dir, 'store');
    mkdirSync(store);
    const ours = await measure(process.execPath, [bin, 'import', 'orders', file, '--json'], { ...process.env, SIYU_DATA_DIR: store });
    if (ours.code !== 0) throw new Error('siyu import failed');
    const s = JSON.parse(ours.stdout);
    ctx.log(`siyu import: ${ours.seconds.toFixed(1)} s; steps ${JSON.stringify(s.files[0].timings)}; ${s.identity.customersCreated} customers`);

    const pandas = await measure('/usr/bin/python3', [join(import.meta.dirname, 'peers', 'import_pandas.py'), file, join(ctx.dir, 'orders.pkl')]);
    const p = pandas.code === 0 ? JSON.parse(pandas.stdout) : null;
    ctx.log(`pandas: ${pandas.seconds.toFixed(1)} s`);

    const rate = (sec: number) => ROWS / sec;
    rows.push({ metric: `siyu import orders, ${ROWS.toLocaleString('en')} rows (wall, incl. process start)`, value: rate(ours.seconds), unit: 'rows/s', peer: { name: 'DuckDB read_csv (limit)', value: rate(limit.seconds), ratio: ours.seconds / limit.seconds }, note: `time ratio ours/limit; target ≤ 1.3×; steps ${Object.entries(s.files[0].timings as Record<string, number>).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}` });
    if (p) rows.push({ metric: 'siyu import vs pandas read-and-write', value: rate(ours.seconds), unit: 'rows/s', peer: { name: 'pandas 1.5 read_csv + parse + to_pickle', value: rate(pandas.seconds), ratio: pandas.seconds / ours.seconds }, note: 'ratio = how many times faster than pandas' });
    rows.push({ metric: 'siyu import peak RSS', value: ours.rssMiB, unit: 'MiB', note: `${mb.toFixed(0)} MiB file; target ≤ 1,024 MiB at 10M rows; DuckDB limit run ${limit.rssMiB.toFixed(0)} MiB${p ? `, pandas ${pandas.rssMiB.toFixed(0)} MiB` : ''}` });
    rows.push({ metric: 'customers resolved', value: s.identity.customersCreated, unit: 'customers', note: `${s.imported} orders imported, ${s.rejected} rejected` });
    return rows;
  },
};
