import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/app/context.ts';
import { behaviour, funnel } from '../../src/insight/behaviour.ts';
import { campaignUplift, channelContribution, communityLift, contentScorecard, staffScorecard } from '../../src/insight/engagement.ts';
import { customerPortrait, populationPortraits } from '../../src/insight/portraits.ts';
import { addEvents, smallShop } from './fixture.ts';

const local = (d: string, h = 0) => `timestamp '${d} ${String(h).padStart(2, '0')}:00:00' - interval 8 hour`;

/** The small shop with groups, a campaign with a holdout, sessions, content, guides and order lines. */
async function richShop(app: App) {
  await smallShop(app);
  const run = (sql: string) => app.warehouse.run(sql);
  await run(`insert into community_groups (workspace_id, group_id, name) values (1, 'G1', '山岚茶友群')`);
  await run(`insert into group_members (workspace_id, group_id, customer_id, joined_at) values
    (1, 'G1', 1, ${local('2024-01-06')}), (1, 'G1', 3, ${local('2024-03-01')}), (1, 'G1', 5, ${local('2024-02-02')})`);
  await run(`insert into campaigns (workspace_id, campaign_id, name, kind, started_at, ended_at) values (1, 'CMP1', '春季召回', 'winback', ${local('2024-02-01')}, ${local('2024-03-01')})`);
  await run(`insert into campaign_members (workspace_id, campaign_id, customer_id, arm) values (1, 'CMP1', 1, 'treatment'), (1, 'CMP1', 3, 'treatment'), (1, 'CMP1', 2, 'holdout'), (1, 'CMP1', 4, 'holdout')`);
  await run(`update orders set staff_code = 'G1' where order_id = 'a2'`);
  await run(`insert into staff (workspace_id, code, store_code) values (1, 'G1', 'S1'), (1, 'G2', 'S1')`);
  await run(`insert into contact_ownership (workspace_id, customer_id, staff_code, added_at, removed_at) values
    (1, 1, 'G1', ${local('2024-01-01')}, null), (1, 2, 'G1', ${local('2024-01-01')}, ${local('2024-02-01')}), (1, 3, 'G2', ${local('2024-01-01')}, null)`);
  await run(`insert into products (workspace_id, sku, name, category) values (1, 'A', '龙井', '绿茶'), (1, 'B', '茶杯', '茶具'), (1, 'C', '奶瓶', '母婴')`);
  await run(`insert into order_lines (workspace_id, order_id, line_no, sku, amount) values
    (1, 'a1', 1, 'A', 60), (1, 'a1', 2, 'B', 40), (1, 'a2', 1, 'A', 30), (1, 'a2', 2, 'B', 20), (1, 'c1', 1, 'A', 40), (1, 'c1', 2, 'C', 40), (1, 'b1', 1, 'B', 200)`);
  const s = (session: string, channel: string) => ({ session, channel });
  await addEvents(app, [
    { c: 1, type: 'product_view', d: '2024-02-10', hour: 10, props: s('s1', 'mini_program') },
    { c: 1, type: 'add_to_cart', d: '2024-02-10', hour: 11, props: s('s1', 'mini_program') },
    { c: 1, type: 'order', d: '2024-02-10', hour: 12, props: s('s1', 'mini_program') },
    { c: 2, type: 'product_view', d: '2024-02-11', hour: 10, props: s('s2', 'app') },
    { c: 2, type: 'add_to_cart', d: '2024-02-11', hour: 11, props: s('s2', 'app') },
    { c: 3, type: 'product_view', d: '2024-02-12', hour: 10, props: s('s3', 'app') },
    { c: 3, type: 'add_to_cart', d: '2024-02-13', hour: 9, props: s('s4', 'app') },
    { c: 3, type: 'product_view', d: '2024-02-13', hour: 10, props: s('s4', 'app') },
    { c: 1, type: 'group_message', d: '2024-02-01', props: { group_id: 'G1' } },
    { c: 3, type: 'group_message', d: '2024-03-02', props: { group_id: 'G1' } },
    { c: 3, type: 'group_message', d: '2024-03-02', hour: 13, props: { group_id: 'G1' } },
    { c: 1, type: 'content_read', d: '2024-02-05', hour: 10, props: { content_id: 'K1', channel: 'official_account' } },
    { c: 3, type: 'content_read', d: '2024-02-20', hour: 10, props: { content_id: 'K1' } },
    { c: 3, type: 'content_share', d: '2024-02-20', hour: 11, props: { content_id: 'K1' } },
  ]);
}

async function withShop(fn: (app: App) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-'));
  const app = await openApp({ dir });
  try {
    await richShop(app);
    await fn(app);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('given sessions, the ordered funnel counts view → cart → order per session and per channel', () => withShop(async (app) => {
  const f = await funnel(app, { filters: { from: '2024-02-01', to: '2024-02-29' } });
  assert.deepEqual(f.rows[0].counts, [4, 2, 1]); // s4's cart came before its view
  assert.deepEqual(f.rows[0].step_rates, [1, 0.5, 0.5]);
  const by = await funnel(app, { filters: { from: '2024-02-01', to: '2024-02-29' }, breakdown: 'channel' });
  assert.deepEqual(by.rows.map((r) => [r.breakdown, r.counts]), [['all', [4, 2, 1]], ['app', [3, 1, 0]], ['mini_program', [1, 1, 1]]]);
  const cust = await funnel(app, { unit: 'customer', filters: { from: '2024-02-01', to: '2024-02-29' } });
  assert.deepEqual(cust.rows[0].counts, [3, 3, 1]);
}));

test('given the small shop, behaviour: heat map, inter-purchase gaps, first → second order, paths, co-purchases', () => withShop(async (app) => {
  const feb = await behaviour(app, { filters: { from: '2024-02-01', to: '2024-02-29' } });
  assert.equal(feb.heatmap.orders[5][12], 2); // two Saturday noon orders
  assert.equal(feb.heatmap.orders[2][12], 1);
  assert.equal(feb.heatmap.orders[6][12], 1);
  const all = await behaviour(app, { minOrders: 2 });
  assert.deepEqual([all.inter_purchase.gaps, all.inter_purchase.mean_days, all.inter_purchase.median_days], [3, 26, 22]);
  assert.deepEqual(all.first_to_second.map((r) => [r.within_days, r.eligible, r.converted]), [[30, 3, 1], [60, 1, 1], [90, 0, 0], [180, 0, 0], [365, 0, 0], [null, 4, 2]]);
  assert.equal(all.co_purchase.length, 1);
  assert.deepEqual([all.co_purchase[0].a, all.co_purchase[0].b, all.co_purchase[0].orders, all.co_purchase[0].support], ['A', 'B', 2, 0.5]);
  assert.ok(Math.abs(all.co_purchase[0].lift - (2 / 3) / (3 / 4)) < 1e-12);
  const paths = await behaviour(app, { filters: { from: '2024-02-10', to: '2024-02-13' } });
  assert.deepEqual(paths.top_paths.map((p) => p.path).sort(), ['add_to_cart → product_view', 'product_view', 'product_view → add_to_cart', 'product_view → add_to_cart → order']);
}));

test('given a group, members repurchase twice as often, and group health is exact', () => withShop(async (app) => {
  const c = await communityLift(app, { days: 40 });
  assert.deepEqual(c.repurchase.members, { eligible: 1, repurchased: 1, rate: 1 });
  assert.deepEqual(c.repurchase.non_members, { eligible: 2, repurchased: 1, rate: 0.5 });
  assert.equal(c.repurchase.lift, 2);
  assert.deepEqual(c.groups[0], { group_id: 'G1', name: '山岚茶友群', members: 3, active_members: 2, messages: 3, activity_rate: 2 / 3, gmv: 280, buyers: 2, repurchase_rate: 1 });
  assert.deepEqual([c.members_vs_others.members.gmv, c.members_vs_others.non_members.gmv, c.members_vs_others.non_members.repurchase_rate], [280, 260, 0]);
  assert.deepEqual([c.join_to_first_order.joined_without_order, c.join_to_first_order.ordered_within_days], [1, 0]);
}));

test('given a campaign with a holdout, the uplift is treatment minus holdout conversion in the campaign window', () => withShop(async (app) => {
  const [c] = (await campaignUplift(app)).campaigns;
  assert.deepEqual([c.campaign_id, c.treatment!.members, c.treatment!.converted, c.holdout!.converted], ['CMP1', 2, 2, 0]);
  assert.equal(c.uplift!.absolute, 1);
  assert.equal(c.treatment!.gmv_per_member, 75);
}));

test('channel attribution, guides and content credit the same February orders three ways', () => withShop(async (app) => {
  const feb = { from: '2024-02-01', to: '2024-02-29' };
  const ch = Object.fromEntries((await channelContribution(app, { filters: feb })).channels.map((c) => [c.channel, c]));
  assert.deepEqual([ch.official_account.first_touch_gmv, ch.official_account.last_touch_gmv, ch.official_account.linear_gmv], [50, 0, 16.67]);
  assert.deepEqual([ch.mini_program.first_touch_gmv, ch.mini_program.last_touch_gmv, ch.mini_program.linear_gmv], [80, 130, 113.33]);
  assert.deepEqual([ch.app.first_touch_gmv, ch.pos.linear_gmv], [20, 40]);
  const staff = Object.fromEntries((await staffScorecard(app, { filters: feb })).staff.map((s) => [s.staff_code, s]));
  assert.deepEqual(staff.G1, { staff_code: 'G1', store_code: 'S1', contacts: 1, active_contacts: 1, contacts_gmv: 50, contacts_repurchase_rate: 0, credited_orders: 1, credited_gmv: 50 });
  assert.deepEqual([staff.G2.contacts_gmv, staff.G2.contacts_repurchase_rate], [100, 1]);
  const [k1] = (await contentScorecard(app, { filters: feb })).content;
  assert.deepEqual([k1.reads, k1.readers, k1.shares, k1.attributed_orders, k1.attributed_gmv], [2, 2, 1, 2, 70]);
}));

test('portraits: one customer with masked identifiers only, and the population by dimension', () => withShop(async (app) => {
  await app.warehouse.run(`insert into customer_identifiers (workspace_id, id_type, id_hash, id_cipher, id_masked, customer_id) values (1, 'phone', 'h', 'k1:secret', '138****5678', 1)`);
  const p = await customerPortrait(app, 1);
  assert.deepEqual(p.identifiers, [{ type: 'phone', masked: '138****5678' }]);
  assert.doesNotMatch(JSON.stringify(p), /secret/);
  assert.deepEqual([p.value?.orders, p.value?.gmv, p.preferences?.channel, p.preferences?.hour, p.scores.rfm?.segment], [3, 180, 'pos', 12, '重要价值']);
  assert.equal(p.preferences?.top_categories[0].value, '绿茶');
  const pop = await populationPortraits(app);
  assert.deepEqual(pop.city, [{ value: '杭州', customers: 4 }, { value: '上海', customers: 1 }]);
  assert.equal(pop.lifecycle_stage.reduce((s, x) => s + x.customers, 0), 5);
}));
