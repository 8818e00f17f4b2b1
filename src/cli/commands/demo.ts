import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { generateDemo, type GenerateResult } from '../../demo/generate.ts';
import { loadDemo, type LoadResult } from '../../demo/load.ts';
import { DEMO_FILES } from '../../demo/write/layouts.ts';
import { UserError } from '../../errors.ts';

/** `siyu demo`: generate the demo brand 山岚茶事 (raw channel exports + truth.json) and load it like a user would. */
export function registerDemo(program: Command, env: CommandEnv): void {
  program
    .command('demo')
    .description('Generate the demo brand (raw exports with planted truth) and load it / 生成并导入演示品牌')
    .option('--customers <n>', 'distinct people to generate', '20000')
    .option('--seed <s>', 'random seed: the same seed gives byte-identical files', '1')
    .option('--out <dir>', 'keep the generated files here (default: a temporary folder, removed after loading)')
    .option('--no-load', 'only write the files (needs --out)')
    .option('--force', 'load even when the store already holds customers')
    .option('--json', 'machine-readable summary')
    .action(async (o: { customers: string; seed: string; out?: string; load: boolean; force?: boolean; json?: boolean }) => {
      const customers = Number(o.customers);
      const seed = Number(o.seed);
      if (!Number.isInteger(customers) || customers < 1 || customers > 50_000_000) throw new UserError('bad_customers', `--customers must be a whole number from 1 to 50,000,000, not '${o.customers}'.`, `--customers 必须是 1 到 50,000,000 之间的整数，而不是 '${o.customers}'。`);
      if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UserError('bad_seed', `--seed must be a whole number from 0 to 4294967295, not '${o.seed}'.`, `--seed 必须是 0 到 4294967295 之间的整数，而不是 '${o.seed}'。`);
      if (!o.load && !o.out) throw new UserError('no_out', '--no-load needs --out DIR: where should the files go?', '--no-load 需要 --out DIR 指定文件保存位置。');
      const out = o.out ? resolve(env.cwd, o.out) : mkdtempSync(join(tmpdir(), 'siyu-demo-'));
      try {
        const r = await runDemo(env, { customers, seed, out, load: o.load, force: Boolean(o.force) });
        emit(env.output, o.json, { out: o.out ? out : null, ...summary(r.gen, r.load) }, () => human(r.gen, r.load, o.out ? out : null));
      } finally {
        if (!o.out) rmSync(out, { recursive: true, force: true });
      }
    });
}

async function runDemo(env: CommandEnv, o: { customers: number; seed: number; out: string; load: boolean; force: boolean }): Promise<{ gen: GenerateResult; load: LoadResult | null }> {
  if (o.load && !o.force) {
    const existing = await env.withApp((app) => app.warehouse.scalar(`select count(*) from customers where workspace_id = $ws`, { ws: app.workspaceId }));
    if (existing > 0) throw new UserError('store_not_empty', `The store already holds ${existing} customers; loading the demo brand would mix it with them. Use an empty SIYU_DATA_DIR, --no-load --out DIR, or --force.`, `数据库中已有 ${existing} 位客户，导入演示品牌会与之混在一起。请使用空的 SIYU_DATA_DIR、--no-load --out DIR，或 --force。`);
  }
  const bar = env.output.interactive ? new SingleBar({ format: '{task} {bar} {value}/{total}', stream: process.stderr, hideCursor: true }, Presets.shades_classic) : null;
  bar?.start(o.customers, 0, { task: 'generating' });
  const gen = await generateDemo({ customers: o.customers, seed: o.seed, out: o.out, onProgress: (d) => bar?.update(d) });
  bar?.stop();
  if (!o.load) return { gen, load: null };
  bar?.start(DEMO_FILES.length, 0, { task: 'loading   ' });
  let k = 0;
  const load = await env.withApp((app) => loadDemo(app, o.out, () => bar?.update(++k)));
  bar?.stop();
  return { gen, load };
}

function summary(gen: GenerateResult, load: LoadResult | null) {
  const t = gen.truth;
  return {
    generated: { customers: t.customers, seed: t.seed, rows: gen.rows, seconds: round(gen.seconds), rowsPerSecond: Math.round(gen.rows / gen.seconds), distinctPeople: t.people.distinct, memberRecords: t.people.member_records, plantedDuplicates: t.people.planted_duplicate_records, orders: t.orders.total, events: t.events.total },
    loaded: load ? { rows: load.rows, imported: load.imported, rejected: load.rejected, customersCreated: load.customersCreated, merged: load.merged, seconds: round(load.seconds), rowsPerSecond: Math.round(load.rows / load.seconds), steps: load.steps } : null,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

function human(gen: GenerateResult, load: LoadResult | null, out: string | null): string {
  const t = gen.truth;
  const lines = [
    `generated 山岚茶事: ${t.people.distinct} people (${t.people.member_records} member records, ${t.people.planted_duplicate_records} planted duplicates), ${t.orders.total} orders, ${t.events.total} events — ${gen.rows} rows in ${gen.seconds.toFixed(1)} s (seed ${t.seed})`,
  ];
  if (out) lines.push(`files and truth.json in ${out}`);
  if (load) {
    for (const s of load.steps) lines.push(`  ${s.file.padEnd(26)} ${String(s.imported).padStart(8)} imported${s.rejected ? `, ${s.rejected} rejected` : ''}`);
    lines.push(`loaded ${load.imported} rows (${load.rejected} rejected as planted malformed rows) in ${load.seconds.toFixed(1)} s; ${load.customersCreated} customers created, ${load.merged} merged`);
  }
  return lines.join('\n');
}
