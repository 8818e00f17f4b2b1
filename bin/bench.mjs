#!/usr/bin/env node
// `npm run bench [-- NAME ...]`: runs the benchmarks in bench/ (see bench/README.md).
import { register } from 'tsx/esm/api';
register();
const { runBenchmarks } = await import('../bench/run.ts');
process.exitCode = await runBenchmarks(process.argv.slice(2));
