import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../app/context.ts';
import { importFiles } from './index.ts';
import { ENTITY_NAMES } from './canonical.ts';

const examples = join(import.meta.dirname, '..', '..', 'docs', 'examples');
const ORDER = ['stores', 'staff', 'products', 'content', 'campaigns', 'customers', 'orders', 'order_lines', 'events', 'consents', 'contacts', 'groups', 'group_members', 'campaign_members', 'coupons'] as const;

test('every example file in docs/examples imports with canonical headers and no rejection, and the people resolve to two', async () => {
  assert.deepEqual([...ORDER].sort(), [...ENTITY_NAMES].sort(), 'one example per entity');
  const dir = mkdtempSync(join(tmpdir(), 'siyu-ex-'));
  const app = await openApp({ dir });
  try {
    for (const entity of ORDER) {
      const file = join(examples, `${entity}.csv`);
      assert.ok(existsSync(file), file);
      const s = await importFiles(app, { entity, files: [file] });
      assert.equal(s.rejected, 0, `${entity}: ${JSON.stringify(s.files[0].reasons)}`);
      assert.ok(s.imported > 0, entity);
    }
    assert.equal(await app.warehouse.scalar(`select count(*) from customers where status = 'active'`), 2);
    assert.deepEqual(await app.warehouse.all(`select customer_id is not null as matched, anonymous_key is not null as anon from events order by event_id`), [{ matched: true, anon: false }, { matched: false, anon: true }, { matched: true, anon: false }]);
    assert.equal(await app.warehouse.scalar(`select count(*) from orders where customer_id is null`), 0);
    assert.deepEqual(await app.warehouse.get(`select province, city, city_tier from stores where code = 'S02'`), { province: '广东省', city: '深圳市', city_tier: '1' });
    assert.equal(await app.warehouse.scalar(`select count(*) from staff where wecom_userid_hash is not null and name_masked = '王*'`), 1);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
