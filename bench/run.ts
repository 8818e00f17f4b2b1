import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCHMARKS, type BenchContext, type BenchRow } from './list.ts';

/**
 * Runs each benchmark (or those named) in a scratch directory and prints its rows: the figure, the peer's
 * figure measured in the same run, and their ratio. Record the output in BENCHMARKS.md with the command.
 */
export async function runBenchmarks(names: string[]): Promise<number> {
  const picked = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  if (!picked.length) {
    console.error(`no benchmark named ${names.join(', ')}; there are: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    return 1;
  }
  const all: BenchRow[] = [];
  for (const b of picked) {
    const dir = mkdtempSync(join(tmpdir(), `siyu-bench-${b.name}-`));
    const ctx: BenchContext = { dir, log: (s) => console.error(`[${b.name}] ${s}`) };
    console.error(`== ${b.name}: ${b.description}`);
    try {
      const rows = await b.run(ctx);
      for (const r of rows) console.log(formatRow(b.name, r));
      all.push(...rows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return 0;
}

export function formatRow(bench: string, r: BenchRow): string {
  const peer = r.peer ? ` | ${r.peer.name}: ${fmt(r.peer.value)} ${r.unit} | ratio ${fmt(r.peer.ratio)}×` : '';
  return `${bench} | ${r.metric} | ${fmt(r.value)} ${r.unit}${peer}${r.note ? ` | ${r.note}` : ''}`;
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en') : n.toPrecision(3));

/** Peak resident memory of this process so far, in MiB. */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}
