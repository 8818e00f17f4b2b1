import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp } from '../src/app/context.ts';
import { keyedHash } from '../src/domain/privacy/cipher.ts';
import { personNeedles, tracePerson } from '../src/privacy/dsr/person.ts';
import { subjectCopy, writeBundle } from '../src/privacy/dsr/access.ts';
import { rectify, restrict, withdrawAll } from '../src/privacy/dsr/rights.ts';
import { listRequests } from '../src/privacy/dsr/requests.ts';
import { canUseCustomer } from '../src/privacy/policy.ts';
import { verifyAudit } from '../src/privacy/audit.ts';
import { workspaceStats } from '../src/insight/queries/workspaceStats.ts';
import { PEOPLE, seedPeople } from './privacy-fixture.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

test('given two customers, siyu dsr erase removes the first from every table and file; totals stay; the other is untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-dsr-'));
  try {
    let app = await openApp({ dir });
    await seedPeople(app);
    const needles = await personNeedles(app, [1, 3]);
    assert.equal(needles.hashes.length, 2);
    assert.ok(needles.plaintexts.includes('+8613812345678'));
    assert.ok((await tracePerson(app, [1, 3], needles)).length > 5);
    const before = await workspaceStats(app.warehouse, 1);
    app.close();

    const r = spawnSync(process.execPath, [bin, 'dsr', 'erase', '--customer', '1', '--json'], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.customers.sort(), [1, 3]);
    assert.deepEqual(out.remaining, []);
    assert.deepEqual(out.anonymised, { orders: 3, coupons: 1 });
    assert.equal(out.deleted.customers, 2);
    assert.equal(out.deleted.customer_identifiers, 2);
    assert.equal(out.deleted.events, 3);   // 2 by customer number (incl. the merged record), 1 by the device hash
    assert.deepEqual(out.files, [{ file: 'quarantine/rejects.jsonl', lines: 1 }]);

    app = await openApp({ dir });
    assert.deepEqual(await tracePerson(app, [1, 3], needles), []);
    const after = await workspaceStats(app.warehouse, 1);
    assert.equal(after.gmv, before.gmv);
    assert.equal(after.orders, before.orders);
    assert.equal(after.customers, before.customers - 1);
    // the other person is intact
    assert.equal(await app.warehouse.scalar(`select count(*) from customer_identifiers where customer_id = 2`), 2);
    assert.equal(await app.warehouse.scalar(`select count(*) from orders where customer_id = 2`), 3);
    const q = readFileSync(join(dir, 'quarantine', 'rejects.jsonl'), 'utf8');
    assert.ok(!q.includes(keyedHash(app.keys, 'phone', PEOPLE[0].phone)));
    assert.ok(q.includes(keyedHash(app.keys, 'phone', PEOPLE[1].phone)));
    // tracked and audited, chain intact
    const reqs = await listRequests(app);
    assert.deepEqual(reqs.map((x) => [x.kind, x.status, x.customer_id]), [['erasure', 'done', 1]]);
    assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'dsr.erase' and target = 'customer:1'`), 1);
    assert.equal((await verifyAudit(app)).ok, true);
    // a second erase is a clear user error
    app.close();
    const again = spawnSync(process.execPath, [bin, 'dsr', 'erase', '--customer', '1'], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /No customer 1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('access copy holds everything about the person, decrypted, as JSON and CSV; rectify, restrict and withdraw take effect', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-dsr-'));
  const app = await openApp({ dir });
  try {
    await seedPeople(app);
    const copy = await subjectCopy(app, 1);
    assert.equal((copy.tables.customers as { name?: string }[]).find((c) => c.name)?.name, '王小明');
    assert.deepEqual((copy.tables.customer_identifiers as { id?: string }[]).map((i) => i.id).sort(), ['+8613812345678', 'xiaoming@example.com']);
    assert.equal(copy.tables.orders.length, 3);
    assert.equal(copy.tables.events.length, 2);       // own + the merged record's
    assert.ok(!JSON.stringify(copy).includes('李华'));
    const files = writeBundle(copy, join(dir, 'copy'));
    assert.ok(files.includes('subject.json') && files.includes('orders.csv'));
    assert.deepEqual(readdirSync(join(dir, 'copy')).sort(), [...files].sort());
    assert.match(readFileSync(join(dir, 'copy', 'customer_identifiers.csv'), 'utf8'), /xiaoming@example.com/);
    assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'pii.read' and target = 'customer:1'`), 1);

    await rectify(app, 1, 'email', ' XM@Example.com ');
    const after = await subjectCopy(app, 1);
    assert.deepEqual((after.tables.customer_identifiers as { id?: string }[]).map((i) => i.id).sort(), ['+8613812345678', 'xm@example.com']);
    await rectify(app, 1, 'name', '王晓明');
    assert.equal(await app.warehouse.scalar(`select count(*) from customers where id = 1 and name_masked = '王**'`), 1);
    await assert.rejects(rectify(app, 1, 'phone', PEOPLE[1].phone), /belongs to another customer/);

    assert.equal((await canUseCustomer(app, 'marketing_sms', 2)).allowed, true);
    await restrict(app, 2);
    assert.deepEqual(await canUseCustomer(app, 'marketing_sms', 2), { allowed: false, reason: 'not_active' });
    await restrict(app, 2, true);
    await withdrawAll(app, 2, 'all');
    assert.deepEqual(await canUseCustomer(app, 'marketing_sms', 2), { allowed: false, reason: 'withdrawn' });
    assert.deepEqual(await canUseCustomer(app, 'analytics', 2), { allowed: false, reason: 'withdrawn' });
    const kinds = (await listRequests(app)).map((r) => `${r.kind}:${r.status}`);
    assert.deepEqual(kinds, ['access:done', 'rectification:done', 'access:done', 'rectification:done', 'rectification:rejected', 'restriction:done', 'restriction:done', 'withdrawal:done']);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
