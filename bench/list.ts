import { modelsBenchmark } from './models.ts';
import { demo } from './demo.ts';
import { collectBenchmark } from './collect.ts';
import { importBenchmark } from './import.ts';
import { identityBenchmark } from './identity.ts';
import { reportBenchmark } from './report.ts';
import { insightBenchmark } from './insight.ts';

/** Every benchmark, in the order `npm run bench` runs them. Each lives in its own bench/<name>.ts. */
export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** The peer a user would pick instead (pandas, scipy, hand-written DuckDB SQL), measured in the same run. */
  peer?: { name: string; value: number; ratio: number };
  note?: string;
}
export interface BenchContext {
  dir: string;
  log(s: string): void;
}
export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export const BENCHMARKS: Benchmark[] = [
  demo,
  modelsBenchmark,
  collectBenchmark,
  importBenchmark,
  identityBenchmark,
  reportBenchmark,
  insightBenchmark,
];
