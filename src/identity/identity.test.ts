import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../app/context.ts';
import { importFiles } from '../ingest/index.ts';
import { resolveBatch, unmerge } from './index.ts';

test('identity: incremental links, a merge that re-points orders, a conflict for review, and an unmerge that sticks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-id-'));
  const app = await openApp({ dir: join(dir, 'store') });
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const custOf = (type: string) => app.warehouse.all<{ customer_id: number }>(`select customer_id from customer_identifiers where id_type = $t order by customer_id`, { t: type });
  try {
    // Two people: one known by member number + phone, one by member number + e-mail; an order for the second.
    let s = await importFiles(app, { entity: 'customers', files: [file('a.csv', 'member_no,phone,email\nM1,13800000001,\nM2,,Two@Example.com\n')] });
    assert.equal(s.identity.customersCreated, 2);
    await importFiles(app, { entity: 'orders', files: [file('o.csv', 'order_id,member_no,ordered_at,gross_amount\nO1,m2,2024-05-01 10:00,88.00\n')] });
    const [c1, c2] = (await app.warehouse.all<{ id: number }>(`select id from customers order by id`)).map((r) => r.id);
    assert.equal(await app.warehouse.scalar(`select customer_id from orders where order_id = 'O1'`), c2, 'member numbers match case-insensitively');

    // A record seen with the phone of one and the e-mail of the other: the same person. The older id survives.
    s = await importFiles(app, { entity: 'customers', files: [file('b.csv', 'phone,email\n+86 138-0000-0001, two@example.com \n')] });
    assert.deepEqual([s.identity.customersCreated, s.identity.merged], [0, 1]);
    assert.deepEqual(await app.warehouse.all(`select id, status, merged_into from customers order by id`), [{ id: c1, status: 'active', merged_into: null }, { id: c2, status: 'merged', merged_into: c1 }]);
    assert.equal(await app.warehouse.scalar(`select customer_id from orders where order_id = 'O1'`), c1, 'the order follows the survivor');
    const merge = await app.warehouse.get<{ id: number; rule: string; via_type: string }>(`select id, rule, via_type from identity_merges`);
    assert.deepEqual({ rule: merge!.rule, via: merge!.via_type }, { rule: 'phone', via: 'phone' });

    // One unionid claimed by two phones: the second link is flagged, the new phone becomes its own customer.
    s = await importFiles(app, { entity: 'customers', files: [file('c.csv', 'unionid,phone\nU1,13800000001\nU1,13900000009\n')] });
    assert.deepEqual([s.identity.customersCreated, s.identity.conflicts, s.identity.merged], [1, 1, 0]);
    assert.deepEqual(await app.warehouse.all(`select rule, unique_type, link_type, status from identity_conflicts`), [{ rule: 'unionid', unique_type: 'phone', link_type: 'unionid', status: 'open' }]);
    assert.deepEqual((await custOf('unionid')).map((r) => r.customer_id), [c1]);

    // Unmerge: the second person gets back the member number, the e-mail and the order; re-importing does not re-merge.
    const u = await unmerge(app, merge!.id);
    assert.deepEqual(u.moved, { identifier: 2, orders: 1, events: 0, coupons: 0, contact_ownership: 0, group_members: 0, campaign_members: 0 });
    assert.equal(await app.warehouse.scalar(`select customer_id from orders where order_id = 'O1'`), c2);
    assert.deepEqual((await custOf('email')).map((r) => r.customer_id), [c2]);
    s = await importFiles(app, { entity: 'customers', files: [join(dir, 'b.csv')] });
    assert.deepEqual([s.identity.merged, s.identity.conflicts], [0, 1]);
    assert.equal(await app.warehouse.scalar(`select count(*) from customers where status = 'active'`), 3);

    // Live records (the collection API): known identifiers resolve, unseen ones create, masked ones resolve to nothing.
    const ids = await resolveBatch(app, [
      { identifiers: [{ type: 'phone', value: '13800000001' }], source: 'web' },
      { identifiers: [{ type: 'anonymous_id', value: 'anon-1' }, { type: 'email', value: 'TWO@example.com' }], source: 'web' },
      { identifiers: [{ type: 'phone', value: '138****0001' }], source: 'web' },
      { identifiers: [{ type: 'user_id', value: 'u-9', namespace: 'shop' }], source: 'web' },
    ]);
    assert.deepEqual(ids.slice(0, 3), [c1, c2, null]);
    assert.ok(ids[3]! > c2);
    assert.deepEqual(await resolveBatch(app, [{ identifiers: [{ type: 'anonymous_id', value: 'anon-1' }], source: 'web' }]), [c2], 'the anonymous id joined the person it was seen with');
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
