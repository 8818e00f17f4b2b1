/**
 * A store from before the state store: its audit log, request register and retention policies are in DuckDB. They
 * are moved into the state store once (moveLegacyPrivacy): the old chain verified and re-chained under the audit key
 * with free text masked, a broken old chain flagged for good; requests keep their ids, policies their values.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../src/app/context.ts';
import { legacyEntryHash, GENESIS } from '../src/domain/privacy/auditHash.ts';
import { moveLegacyPrivacy } from '../src/privacy/legacyMove.ts';
import { verifyAudit } from '../src/privacy/audit.ts';
import { listRequests } from '../src/privacy/dsr/requests.ts';
import { retentionPolicies } from '../src/privacy/retention.ts';
import { auditPiiRead } from '../src/privacy/trail.ts';
import { startPostgres, postgresMissing } from './support/postgres.ts';

/** What the old log wrote: unkeyed SHA-256 rows in DuckDB and its head in audit.head (in a store not yet moved). */
async function oldLog(app: App, entries: { action: string; target: string; detail: Record<string, unknown> }[]): Promise<void> {
  await app.state.run(`delete from state_counters where name = 'legacy_privacy_moved'`);
  let prev = GENESIS;
  for (const [i, e] of entries.entries()) {
    const row = { seq: i + 1, at: Date.UTC(2025, 5, 1, 8, i, 0, 250), workspace_id: 1, actor: 'user:owner', action: e.action, target: e.target, detail: JSON.stringify(e.detail) };
    const hash = legacyEntryHash(prev, row);
    await app.warehouse.run(`insert into audit_log (seq, logged_at, workspace_id, actor, action, target, detail, prev_hash, hash) values ($s, make_timestamp(cast($us as bigint)), 1, $a, $ac, $t, $d::json, $p, $h)`,
      { s: row.seq, us: row.at * 1000, a: row.actor, ac: row.action, t: row.target, d: row.detail, p: prev, h: hash });
    prev = hash;
  }
  writeFileSync(join(app.dir, 'audit.head'), JSON.stringify({ seq: entries.length, hash: prev }));
}

const ENTRIES = [
  { action: 'pii.unmask', target: 'customer:7', detail: { fields: ['phone'], reason: '顾客来电 13812345678' } },
  { action: 'dsr.open', target: 'dsr:41', detail: { kind: 'erasure', customer: 7 } },
  { action: 'admin.retention.set', target: 'retention:raw_events', detail: { keep_days: 400 } },
];

const pg = startPostgres();
after(() => pg?.stop());

for (const e of [{ name: 'sqlite', url: () => null as string | null, skip: false as string | false }, { name: 'postgres', url: () => pg!.database(), skip: pg ? false : (postgresMissing() ?? 'no PostgreSQL') }]) {
test(`${e.name}: the old audit log, requests and policies move into the state store: verified, re-chained under the key, masked`, { skip: e.skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-legacy-'));
  const url = e.url();
  if (url) process.env.SIYU_STATE_URL = url;
  const app = await openApp({ dir }).finally(() => delete process.env.SIYU_STATE_URL);
  try {
    await oldLog(app, ENTRIES);
    await app.warehouse.run(`insert into dsr_requests (workspace_id, id, customer_id, kind, status, received_at, due_at, channel, note) values
      (1, 41, 7, 'erasure', 'open', '2025-06-01 08:01:00', '2025-06-16 08:01:00', 'phone', '本人来电 13987654321')`);
    await app.warehouse.run(`update retention_policies set keep_days = 400 where data_class = 'raw_events'`);
    const moved = await moveLegacyPrivacy(app);
    assert.deepEqual(moved, { audit: 3, auditVerified: true, requests: 1, policies: 6 });
    // once: the warehouse's old tables are emptied, and a second call moves nothing
    assert.equal(await app.warehouse.scalar('select count(*) from audit_log') + await app.warehouse.scalar('select count(*) from dsr_requests'), 0);
    assert.deepEqual(await moveLegacyPrivacy(app), { audit: 0, auditVerified: null, requests: 0, policies: 0 });
    await new Promise((r) => setTimeout(r, 100));   // the anchor is written once the move's transaction has committed
    assert.deepEqual(await verifyAudit(app), { ok: true, entries: 4, anchored: 1, problems: [] });
    const rows = await app.state.all<{ seq: number; logged_at: number; action: string; detail: string }>('select seq, logged_at, action, detail from audit_log order by seq');
    assert.deepEqual(rows.map((r) => r.action), ['pii.unmask', 'dsr.open', 'admin.retention.set', 'audit.moved']);
    assert.equal(Number(rows[0].logged_at), Date.UTC(2025, 5, 1, 8, 0, 0, 250));
    assert.equal(JSON.parse(rows[0].detail).reason, '顾客来电 138****5678');
    assert.deepEqual(JSON.parse(rows[3].detail).legacy_verified, true);
    const [req] = await listRequests(app);
    assert.deepEqual([req.id, req.customer_id, req.kind, req.status, req.received_at, req.due_at, req.note], [41, 7, 'erasure', 'open', '2025-06-01T08:01:00Z', '2025-06-16T08:01:00Z', '本人来电 139****4321']);
    assert.equal((await retentionPolicies(app)).find((p) => p.data_class === 'raw_events')!.keep_days, 400);
    // the next request gets a number after the moved one; the next entry follows the moved chain
    const { openRequest } = await import('../src/privacy/dsr/requests.ts');
    assert.equal((await openRequest(app, { customerId: 8, kind: 'access' })).id, 42);
    await auditPiiRead(app, { customerId: 8, fields: ['name'] });
    assert.equal((await verifyAudit(app)).ok, true);
    assert.equal(await app.state.scalar(`select count(*) from audit_log where detail like '%13812345678%'`), 0);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
}

test('an old log that was tampered with is moved but flagged by every verification after; a state log already written is followed by the old entries', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-legacy-'));
  const app = await openApp({ dir });
  try {
    await oldLog(app, ENTRIES);
    await app.warehouse.run(`delete from audit_log where seq = 1`);   // the unmask removed, chain not recomputed
    assert.equal((await moveLegacyPrivacy(app)).auditVerified, false);
    assert.deepEqual((await verifyAudit(app)).problems, [{ seq: 3, problem: 'legacy_broken' }]);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // a state log already written (an open that recorded a recovery first): the old entries follow it
  const dir2 = mkdtempSync(join(tmpdir(), 'siyu-legacy-'));
  const app2 = await openApp({ dir: dir2 });
  try {
    await oldLog(app2, ENTRIES);
    await auditPiiRead(app2, { customerId: 1, fields: ['phone'] });
    assert.equal((await moveLegacyPrivacy(app2)).auditVerified, true);
    assert.deepEqual((await app2.state.all<{ action: string }>('select action from audit_log order by seq')).map((r) => r.action), ['pii.read', 'pii.unmask', 'dsr.open', 'admin.retention.set', 'audit.moved']);
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await verifyAudit(app2), { ok: true, entries: 5, anchored: 2, problems: [] });
  } finally {
    await app2.close();
    rmSync(dir2, { recursive: true, force: true });
  }
});
