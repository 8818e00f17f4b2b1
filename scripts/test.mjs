// Runs every *.test.ts under src/ and test/ with node's test runner (tsx loads TypeScript). --test-force-exit:
// a file whose tests are done ends even if a client library (e.g. an SDK's flush timer) still holds a handle.
// --test-timeout: a test that hangs (a client that stopped sending) fails after 15 minutes instead of stalling the run.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const only = process.argv.slice(2);
const files = only.length ? only : [...find('src'), ...find('test')].sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', '--test-timeout=900000', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 2);
