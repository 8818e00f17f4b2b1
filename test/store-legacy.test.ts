/**
 * A store made by the main branch before the state store existed (test/fixtures/legacy-store-7b41d9a.md says how)
 * is moved at its first open, once, on SQLite and on PostgreSQL: what it held keeps working.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { startPostgres, postgresMissing } from './support/postgres.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const fixture = join(import.meta.dirname, 'fixtures', 'legacy-store-7b41d9a.tgz');
const pg = startPostgres();
after(() => pg?.stop());

function legacyStore(): string {
  const root = mkdtempSync(join(tmpdir(), 'siyu-legacy-'));
  execFileSync('tar', ['-xzf', fixture, '-C', root]);
  return join(root, 'store');
}

for (const engine of ['sqlite', 'postgres'] as const) {
  test(`${engine}: a store from before the state store opens with its consents, merge rules and counts, moved once`, { skip: engine === 'postgres' && !pg ? postgresMissing() ?? 'no PostgreSQL' : false }, () => {
    const dir = legacyStore();
    const env = { ...process.env, SIYU_DATA_DIR: dir, ...(engine === 'postgres' ? { SIYU_STATE_URL: pg!.database() } : {}) };
    const run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, `siyu ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    try {
      assert.deepEqual(JSON.parse(run('stats', '--json')), { customers: 4, orders: 4, events: 0, gmv: 460 });
      const c3 = JSON.parse(run('consent', 'show', '--customer', '3', '--json'));
      assert.deepEqual(c3.history.map((h: { purpose: string; status: string }) => [h.purpose, h.status]), [['marketing_wecom', 'granted']]);
      assert.equal(c3.current.marketing_wecom.allowed, true);
      const c2 = JSON.parse(run('consent', 'show', '--customer', '2', '--json'));
      assert.deepEqual(c2.history.map((h: { purpose: string; status: string }) => [h.purpose, h.status]), [['analytics', 'withdrawn']]);
      // opened again: nothing is copied twice
      run('stats', '--json');
      const again = JSON.parse(run('consent', 'show', '--customer', '3', '--json'));
      assert.equal(again.history.length, 1);
      const summary = JSON.parse(run('consent', 'summary', '--json'));
      const sms = summary.find((s: { purpose: string }) => s.purpose === 'marketing_sms');
      assert.equal(sms.granted, 1);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
}
