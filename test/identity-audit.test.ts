import { consentHistory } from '../src/privacy/consentLedger.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../src/app/context.ts';
import { importFiles } from '../src/ingest/index.ts';
import type { Entity } from '../src/ingest/canonical.ts';
import { unmerge, reviewConflict, saveRules } from '../src/identity/index.ts';
import { isUserError } from '../src/errors.ts';
import { restrict } from '../src/privacy/dsr/rights.ts';

/** A fresh store and a helper that imports a CSV text as one entity. */
async function withStore(fn: (app: App, load: (entity: Entity, csv: string, source?: string) => ReturnType<typeof importFiles>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-idaudit-'));
  const app = await openApp({ dir: join(dir, 'store') });
  let n = 0;
  const load = (entity: Entity, csv: string, source?: string) => {
    const f = join(dir, `${entity}-${++n}.csv`);
    writeFileSync(f, csv);
    return importFiles(app, { entity, files: [f], source });
  };
  try {
    await fn(app, load);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per customer: how many identifiers and rows of each fact table point at it. */
async function holdings(app: App): Promise<Record<number, string>> {
  const tables = { ids: 'customer_identifiers', orders: 'orders', events: 'events', consents: 'consents', coupons: 'coupons', contacts: 'contact_ownership', groups: 'group_members', campaigns: 'campaign_members' };
  const rows = await app.warehouse.all<{ id: number; h: string }>(
    `select c.id, concat_ws(' ', ${Object.entries(tables).map(([k, t]) => `'${k}=' || (select count(*) from ${t} x where x.customer_id = c.id)`).join(', ')}) as h from customers c order by c.id`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.h]));
}

test('one person across till, e-commerce, mini-program and WeCom exports ends as one customer holding every order; each merge names its rule and source', async () => {
  await withStore(async (app, load) => {
    await load('customers', 'member_no,name\nM100,张三\n', 'till');
    await load('orders', 'order_id,member_no,ordered_at,gross_amount\nT1,m100,2024-03-01 10:00,100\n', 'till');
    await load('orders', 'order_id,phone,ordered_at,gross_amount\nE1,138 0013 8000,2024-03-02 10:00,200\n', 'shop');
    await load('orders', 'order_id,unionid,ordered_at,gross_amount\nW1,oU_zhang,2024-03-03 10:00,300\n', 'mini');
    await load('orders', 'order_id,external_userid,corp_id,ordered_at,gross_amount\nQ1,wmEXT1,ww123,2024-03-04 10:00,400\n', 'wecom');
    assert.equal(await app.warehouse.scalar(`select count(*) from customers where status = 'active'`), 4);
    // The links, as each system knows them: the till has the phone, the mini-program the unionid, WeCom both ids.
    await load('customers', 'member_no,phone\nM100,+86 138-0013-8000\n', 'till');
    await load('customers', 'unionid,phone\noU_zhang,8613800138000\n', 'mini');
    await load('customers', 'external_userid,corp_id,unionid\nwmEXT1,ww123,oU_zhang\n', 'wecom');
    assert.deepEqual(await app.warehouse.all(`select id, status from customers where status = 'active'`), [{ id: 1, status: 'active' }]);
    assert.deepEqual(await app.warehouse.all(`select order_id, customer_id from orders order by order_id`),
      [{ order_id: 'E1', customer_id: 1 }, { order_id: 'Q1', customer_id: 1 }, { order_id: 'T1', customer_id: 1 }, { order_id: 'W1', customer_id: 1 }]);
    assert.deepEqual(await app.warehouse.all(`select survivor_id, merged_id, rule, via_type, source from identity_merges order by id`), [
      { survivor_id: 1, merged_id: 2, rule: 'phone', via_type: 'phone', source: 'till' },
      { survivor_id: 1, merged_id: 3, rule: 'unionid', via_type: 'unionid', source: 'mini' },
      { survivor_id: 1, merged_id: 4, rule: 'unionid', via_type: 'unionid', source: 'wecom' },
    ]);
  });
});

test('unmerge gives back exactly what the merge moved, even when another customer holds a contact and a membership with the same key', async () => {
  await withStore(async (app, load) => {
    // Customers 1 (M1), 2 (phone), 3 (M3). Customers 2 and 3 are in campaign X and group G (joined at the same time)
    // and were both added by guide G1 on the same day (a WeCom export gives the day only): their rows share keys.
    await load('customers', 'member_no,phone\nM1,\n,13800000002\nM3,\n');
    await load('campaigns', 'campaign_id,name\nX,Spring\n');
    await load('campaign_members', 'campaign_id,member_no,phone,arm\nX,,13800000002,treatment\nX,M3,,holdout\n');
    await load('contacts', 'member_no,phone,staff_code,added_at\n,13800000002,G1,2024-03-01\nM3,,G1,2024-03-01\n');
    await load('groups', 'group_id,name\nG,茶友群\n');
    await load('group_members', 'group_id,member_no,phone,joined_at\nG,,13800000002,2024-03-05 15:00\nG,M3,,2024-03-05 15:00\nG,M1,,2024-03-05 15:00\n');
    await load('consents', 'phone,purpose,status,changed_at\n13800000002,marketing_sms,granted,2024-03-01\n');
    await load('orders', 'order_id,phone,member_no,ordered_at,gross_amount\nO2,13800000002,,2024-03-02,10\nO1,,M1,2024-03-02,20\n');
    await load('events', 'event_id,phone,type,occurred_at\nE2,13800000002,page_view,2024-03-02 10:00\nE2b,13800000002,page_view,2024-03-02 10:01\n');
    await load('coupons', 'coupon_code,phone,value\nC2,13800000002,5\n');
    const before = await holdings(app);
    assert.deepEqual(before, {
      1: 'ids=1 orders=1 events=0 consents=0 coupons=0 contacts=0 groups=1 campaigns=0',
      2: 'ids=1 orders=1 events=2 consents=1 coupons=1 contacts=1 groups=1 campaigns=1',
      3: 'ids=1 orders=0 events=0 consents=0 coupons=0 contacts=1 groups=1 campaigns=1',
    });
    const s = await load('customers', 'member_no,phone\nM1,13800000002\n');
    assert.equal(s.identity.merged, 1);
    // Customer 1 was in group G at that same time already: customer 2's membership stays with it.
    assert.deepEqual(await holdings(app), {
      1: 'ids=2 orders=2 events=2 consents=1 coupons=1 contacts=1 groups=1 campaigns=1',
      2: 'ids=0 orders=0 events=0 consents=0 coupons=0 contacts=0 groups=1 campaigns=0',
      3: 'ids=1 orders=0 events=0 consents=0 coupons=0 contacts=1 groups=1 campaigns=1',
    });
    const u = await unmerge(app, 1);
    assert.deepEqual(u.moved, { identifier: 1, orders: 1, events: 2, coupons: 1, contact_ownership: 1, group_members: 0, campaign_members: 1 });
    assert.deepEqual(await holdings(app), before, 'customer 3 keeps its own contact and memberships, customer 1 its own');
  });
});

test('a batch that merges two customers who share a campaign into a third keeps one membership and does not fail', async () => {
  await withStore(async (app, load) => {
    await load('customers', 'member_no,phone,email\nM1,,\n,13800000002,\n,,c@example.com\n');
    await load('campaigns', 'campaign_id,name\nX,Spring\n');
    await load('campaign_members', 'campaign_id,phone,email,arm\nX,13800000002,,treatment\nX,,c@example.com,treatment\n');
    await load('contacts', 'phone,email,staff_code,added_at\n13800000002,,G1,2024-03-01\n,c@example.com,G1,2024-03-01\n');
    const s = await load('customers', 'member_no,phone,email\nM1,13800000002,c@example.com\n');
    assert.equal(s.identity.merged, 2);
    assert.deepEqual(await holdings(app), {
      1: 'ids=3 orders=0 events=0 consents=0 coupons=0 contacts=1 groups=0 campaigns=1',
      2: 'ids=0 orders=0 events=0 consents=0 coupons=0 contacts=0 groups=0 campaigns=0',
      3: 'ids=0 orders=0 events=0 consents=0 coupons=0 contacts=1 groups=0 campaigns=1',
    });
    // Undoing both, in either order, restores the three people.
    await unmerge(app, 2);
    await unmerge(app, 1);
    assert.deepEqual(await holdings(app), {
      1: 'ids=1 orders=0 events=0 consents=0 coupons=0 contacts=0 groups=0 campaigns=0',
      2: 'ids=1 orders=0 events=0 consents=0 coupons=0 contacts=1 groups=0 campaigns=1',
      3: 'ids=1 orders=0 events=0 consents=0 coupons=0 contacts=1 groups=0 campaigns=1',
    });
  });
});


// Proposed fix (for the owner of src/ingest/index.ts + src/ingest/write, src/collect): facts are written with the
// customer their row resolved to, and nothing says which identifier brought them, so a fact that arrives AFTER a
// merge through one of the merged customer's identifiers stays with the survivor when the merge is undone. After
// writeEntity, for each written row whose customer came through an identifier listed in identity_merge_moves
// (kind 'identifier') of a merge not undone, whose holder is that row's customer, insert (merge_id, kind, key) for
// the fact row (orders: order_id, consents: id, events: event_id, …) so unmerge moves it back with the rest.
test('a consent withdrawn after a merge through the merged customer\'s phone follows that phone back on unmerge', async () => {
  await withStore(async (app, load) => {
    await load('customers', 'member_no\nM1\n');
    await load('customers', 'phone\n13800000002\n');
    await load('customers', 'member_no,phone\nM1,13800000002\n');
    await load('orders', 'order_id,phone,ordered_at,gross_amount\nP1,13800000002,2024-05-01,10\n');
    await load('consents', 'phone,purpose,status,changed_at\n13800000002,marketing_sms,withdrawn,2024-05-02\n');
    // while merged, the survivor stands for the phone holder: the send-time check (the state ledger) sees the withdrawal
    assert.deepEqual((await consentHistory(app, 1)).map((c) => [c.purpose, c.status]), [['marketing_sms', 'withdrawn']]);
    assert.deepEqual(await app.warehouse.all(`select customer_id, subject_id from consents`), [{ customer_id: 1, subject_id: 2 }]);
    await unmerge(app, 1);
    assert.deepEqual((await consentHistory(app, 1)).length, 0, 'the survivor keeps nothing of the phone holder\'s ledger');
    assert.deepEqual((await consentHistory(app, 2)).map((c) => [c.purpose, c.status]), [['marketing_sms', 'withdrawn']]);
    assert.deepEqual(await app.warehouse.all(`select customer_id from customer_identifiers where id_type = 'phone'`), [{ customer_id: 2 }]);
    assert.deepEqual(await app.warehouse.all(`select customer_id, status from consents`), [{ customer_id: 2, status: 'withdrawn' }], 'the withdrawal is the phone holder\'s');
    assert.deepEqual(await app.warehouse.all(`select customer_id from orders`), [{ customer_id: 2 }]);
  });
});

test('a conflict names the identifier two people claim: the unionid seen with two phones, the member number seen with two phones', async () => {
  await withStore(async (app, load) => {
    let s = await load('customers', 'unionid,phone\nU1,13800000011\nU1,13800000012\n');
    assert.deepEqual([s.identity.customersCreated, s.identity.conflicts, s.identity.merged], [2, 1, 0]);
    // The phone outranks the member number, so each row's link starts at its phone; the number is what both claim.
    s = await load('customers', 'member_no,phone\nM7,13800000021\nM7,13800000022\n');
    assert.deepEqual([s.identity.customersCreated, s.identity.conflicts, s.identity.merged], [2, 1, 0]);
    assert.deepEqual(await app.warehouse.all(`select rule, unique_type, link_type, customer_a, customer_b, status from identity_conflicts order by id`), [
      { rule: 'unionid', unique_type: 'phone', link_type: 'unionid', customer_a: 1, customer_b: 2, status: 'open' },
      { rule: 'phone', unique_type: 'phone', link_type: 'member_no', customer_a: 3, customer_b: 4, status: 'open' },
    ]);
    assert.deepEqual(await app.warehouse.all(`select customer_id, id_type from customer_identifiers order by customer_id, id_type`), [
      { customer_id: 1, id_type: 'phone' }, { customer_id: 1, id_type: 'unionid' }, { customer_id: 2, id_type: 'phone' },
      { customer_id: 3, id_type: 'member_no' }, { customer_id: 3, id_type: 'phone' }, { customer_id: 4, id_type: 'phone' },
    ]);
  });
});

test('a conflict is reviewed: dismissed, or merged on a reviewer\'s word (recorded, and undoable like any merge)', async () => {
  await withStore(async (app, load) => {
    await load('customers', 'unionid,phone\nU1,13800000011\nU1,13800000012\nU2,13800000021\nU2,13800000022\n');
    await load('orders', 'order_id,phone,ordered_at,gross_amount\nA,13800000012,2024-05-01,10\n');
    assert.deepEqual(await app.warehouse.all(`select id, customer_a, customer_b, status from identity_conflicts order by id`),
      [{ id: 1, customer_a: 1, customer_b: 2, status: 'open' }, { id: 2, customer_a: 3, customer_b: 4, status: 'open' }]);
    // The same person with two phones: merge. Another pair: not the same person.
    assert.deepEqual(await reviewConflict(app, 1, 'merge'), { conflict: 1, status: 'merged', merge: 1, survivor: 1, merged: 2 });
    assert.deepEqual(await reviewConflict(app, 2, 'dismiss'), { conflict: 2, status: 'dismissed', merge: null, survivor: null, merged: null });
    assert.deepEqual(await app.warehouse.all(`select id, status from identity_conflicts order by id`), [{ id: 1, status: 'merged' }, { id: 2, status: 'dismissed' }]);
    assert.deepEqual(await app.warehouse.all(`select survivor_id, merged_id, rule, via_type, source from identity_merges`), [{ survivor_id: 1, merged_id: 2, rule: 'unionid', via_type: 'unionid', source: 'review' }]);
    assert.equal(await app.warehouse.scalar(`select customer_id from orders where order_id = 'A'`), 1);
    await assert.rejects(reviewConflict(app, 2, 'merge'), (e) => isUserError(e) && e.code === 'conflict_reviewed');
    await assert.rejects(reviewConflict(app, 9, 'merge'), (e) => isUserError(e) && e.code === 'conflict_not_found');
    // Both phones now belong to customer 1: importing the first file again flags nothing new.
    const again = await load('customers', 'unionid,phone\nU1,13800000011\nU1,13800000012\n');
    assert.deepEqual([again.identity.conflicts, again.identity.merged], [0, 0]);
    await unmerge(app, 1);
    assert.equal(await app.warehouse.scalar(`select customer_id from orders where order_id = 'A'`), 2);
    assert.deepEqual(await app.warehouse.all(`select id, status from identity_conflicts order by id`), [{ id: 1, status: 'separated' }, { id: 2, status: 'dismissed' }], 'the pair is kept apart');
  });
});

test('normalisation: eight spellings of one mobile are one person; masked and invalid phones join no one; e-mails match trimmed and lower-cased; one openid in two apps is two people', async () => {
  await withStore(async (app, load) => {
    const s = await load('customers', [
      'member_no,phone,email,openid,openid_app',
      'A1,138 0013 8000,,,', 'A2,+86 138-0013-8000,,,', 'A3,8613800138000,,,', 'A4,008613800138000,,,', 'A5,"=""13800138000""",,,',
      "A6,'13800138000,,,", 'A7,+8613800138000,,,', 'A8,0086 138 0013 8000,,,',
      'B1,138****8000,,,', 'B2,12345,,,', 'C1,, Ann@Example.COM ,,', 'C2,,ann@example.com,,', 'C3,,not-an-email,,',
      'D1,,,oSAME,wxA', 'D2,,,oSAME,wxB', '',
    ].join('\n'));
    assert.deepEqual(s.identity, { customersCreated: 7, merged: 0, conflicts: 0, identifiersAdded: 19, invalidIdentifiers: { phone: 1, email: 1 }, maskedIdentifiers: 1 });
    assert.deepEqual(await app.warehouse.all(`select customer_id, list(id_type || ':' || namespace || ':' || id_masked order by id_type, id_masked) as ids from customer_identifiers where id_type <> 'member_no' group by 1 order by 1`), [
      { customer_id: 1, ids: ['phone::138****8000'] },
      { customer_id: 4, ids: ['email::a***@example.com'] },
      { customer_id: 6, ids: ['openid:wxA:oS****ME'] },
      { customer_id: 7, ids: ['openid:wxB:oS****ME'] },
    ]);
    assert.deepEqual(await app.warehouse.all(`select customer_id, count(*)::integer as member_numbers from customer_identifiers where id_type = 'member_no' group by 1 order by 1`), [
      { customer_id: 1, member_numbers: 8 }, { customer_id: 2, member_numbers: 1 }, { customer_id: 3, member_numbers: 1 },
      { customer_id: 4, member_numbers: 2 }, { customer_id: 5, member_numbers: 1 }, { customer_id: 6, member_numbers: 1 }, { customer_id: 7, member_numbers: 1 },
    ]);
  });
});

test('merge rules in another order give another person: unionid > phone keeps the unionid\'s link, phone > member_no > unionid keeps the member number\'s', async () => {
  const file = 'member_no,phone,unionid\nM1,13800000001,\n,13800000002,U1\nM1,,U1\n';
  const people = (app: App) => app.warehouse.all(`select customer_id, list(id_type order by id_type) as ids from customer_identifiers group by 1 order by 1`);
  await withStore(async (app, load) => {
    const s = await load('customers', file);
    assert.deepEqual([s.identity.customersCreated, s.identity.conflicts], [2, 1]);
    assert.deepEqual(await people(app), [{ customer_id: 1, ids: ['phone'] }, { customer_id: 2, ids: ['member_no', 'phone', 'unionid'] }]);
  });
  await withStore(async (app, load) => {
    await saveRules(app, ['phone', 'member_no', 'unionid'], ['unionid', 'phone']);
    const s = await load('customers', file);
    assert.deepEqual([s.identity.customersCreated, s.identity.conflicts], [2, 1]);
    assert.deepEqual(await people(app), [{ customer_id: 1, ids: ['member_no', 'phone'] }, { customer_id: 2, ids: ['phone', 'unionid'] }]);
  });
});

test('a restriction (PIPL art. 44) goes with the person: merging a restricted customer restricts the survivor, and unmerge gives both their status back', async () => {
  await withStore(async (app, load) => {
    await load('customers', 'member_no,phone\nM1,\n,13800000002\n,13800000003\n');
    await restrict(app, 2);
    await load('customers', 'member_no,phone\nM1,13800000002\n');
    assert.deepEqual(await app.warehouse.all(`select id, status from customers order by id`), [{ id: 1, status: 'restricted' }, { id: 2, status: 'merged' }, { id: 3, status: 'active' }]);
    await unmerge(app, 1);
    assert.deepEqual(await app.warehouse.all(`select id, status from customers order by id`), [{ id: 1, status: 'active' }, { id: 2, status: 'restricted' }, { id: 3, status: 'active' }]);
    // A survivor restricted on its own request stays restricted when a merge into it is undone.
    await restrict(app, 1);
    await load('customers', 'member_no,phone\nM1,13800000003\n');
    await unmerge(app, 2);
    assert.deepEqual(await app.warehouse.all(`select id, status from customers order by id`), [{ id: 1, status: 'restricted' }, { id: 2, status: 'restricted' }, { id: 3, status: 'active' }]);
    // Restricted by a merge, then on its own request too: undoing the merge leaves the restriction.
    await restrict(app, 1, true);
    await load('customers', 'phone\n13800000004\n');
    await restrict(app, 4);
    await load('customers', 'member_no,phone\nM1,13800000004\n');
    assert.deepEqual(await app.warehouse.all(`select id, status from customers where id in (1, 4) order by id`), [{ id: 1, status: 'restricted' }, { id: 4, status: 'merged' }]);
    await restrict(app, 1);
    await unmerge(app, 3);
    assert.deepEqual(await app.warehouse.all(`select id, status from customers where id in (1, 4) order by id`), [{ id: 1, status: 'restricted' }, { id: 4, status: 'restricted' }]);
  });
});
