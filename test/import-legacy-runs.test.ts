import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const fixture = join(import.meta.dirname, 'fixtures', 'legacy-store-7b41d9a.tgz');

// A store from before the state store kept its import runs in DuckDB: moved at the first open, the quality report
// still counts them (before, it saw no import at all) and a new import lists beside them.
test('given a store from before the state store, then its import runs are moved to the state store once and the quality report still reads them', () => {
  const root = mkdtempSync(join(tmpdir(), 'siyu-legacy-runs-'));
  try {
    execFileSync('tar', ['-xzf', fixture, '-C', root]);
    const env = { ...process.env, SIYU_DATA_DIR: join(root, 'store') };
    const quality = () => {
      const r = spawnSync(process.execPath, [bin, 'quality', '--json'], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const q = quality();
    assert.deepEqual(q.freshness.map((f: { source: string; entities: string[]; importedRows: number }) => [f.source, f.entities, f.importedRows]), [['(none)', ['consents', 'customers', 'orders'], 14]]);
    assert.ok(q.invalid.importRuns >= 3, JSON.stringify(q.invalid));
    assert.deepEqual(quality().freshness[0].importedRows, 14, 'opened again: nothing copied twice');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
