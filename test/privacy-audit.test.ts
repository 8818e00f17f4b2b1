import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp } from '../src/app/context.ts';
import { verifyAudit } from '../src/privacy/audit.ts';
import { auditPiiRead, auditExport, auditLogin } from '../src/privacy/trail.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const run = (dir: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });

test('siyu audit verify: exit 0 on an intact chain, exit 1 naming the altered and deleted entries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-audit-'));
  try {
    const app = await openApp({ dir, actor: 'tester' });
    await auditPiiRead(app, { customerId: 1, fields: ['phone'], purpose: 'care' });
    await auditExport(app, { what: 'segment', id: 'vip', rows: 10, masked: true });
    await auditLogin(app, { user: 'owner', ok: true, via: 'password' });
    await auditPiiRead(app, { customerId: 2, fields: ['name'] });
    app.close();

    const ok = run(dir, 'audit', 'verify', '--json');
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { ok: true, entries: 4, problems: [] });

    const list = JSON.parse(run(dir, 'audit', 'list', '--action', 'pii.', '--json').stdout);
    assert.deepEqual(list.map((r: { seq: number; action: string; actor: string }) => [r.seq, r.action, r.actor]), [[4, 'pii.read', 'tester'], [1, 'pii.read', 'tester']]);

    const db = await openApp({ dir });
    await db.warehouse.run(`update audit_log set detail = '{"rows":1}' where seq = 2`);
    db.close();
    const bad = run(dir, 'audit', 'verify', '--json');
    assert.equal(bad.status, 1);
    assert.deepEqual(JSON.parse(bad.stdout).problems, [{ seq: 2, problem: 'altered' }]);
    assert.match(bad.stderr, /entries 2/);
    assert.match(bad.stderr, /审计日志校验失败/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deleting the newest entries is caught by the head kept beside the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-audit-'));
  const app = await openApp({ dir, actor: 'tester' });
  try {
    for (let i = 0; i < 6; i++) await app.audit({ actor: 'tester', action: 'pii.read', target: `customer:${i}` });
    await app.warehouse.run('delete from audit_log where seq >= 5');
    assert.deepEqual((await verifyAudit(app.warehouse)).problems, [{ seq: 5, problem: 'missing_after' }]);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('appends from many concurrent connections keep one unbroken chain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-audit-'));
  const app = await openApp({ dir, actor: 'tester' });
  try {
    const conns = await Promise.all([1, 2, 3].map(() => app.warehouse.fork()));
    const { audit } = await import('../src/privacy/audit.ts');
    await Promise.all(conns.flatMap((c, i) => Array.from({ length: 10 }, (_, j) => audit(c, { actor: `c${i}`, action: 'pii.read', target: `customer:${j}` }))));
    conns.forEach((c) => c.close());
    assert.deepEqual(await verifyAudit(app.warehouse), { ok: true, entries: 30, problems: [] });
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
