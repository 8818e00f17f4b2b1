import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { recordConsent } from '../src/privacy/consentLedger.ts';
import { canUseCustomer } from '../src/privacy/policy.ts';
import { restrict } from '../src/privacy/dsr/rights.ts';
import { seedConsents, clearConsents, type SeedConsent } from './support/consents.ts';
import {
  kpis, rfm, cohorts, lifecycle, tiers, populationPortraits, recomputeTags, listTags, funnel, staffScorecard, communityLift, campaignUplift,
  customerPortrait, series, behaviour, defineTag,
} from '../src/insight/index.ts';
import { smallShop } from './insight/fixture.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const siyu = (dir: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
const json = (r: ReturnType<typeof siyu>) => {
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
};

test('siyu consent withdraw --purpose analytics and siyu dsr restrict take the customer out of RFM, KPIs, cohorts and portraits; totals stay', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-privacy-'));
  try {
    const app = await openApp({ dir });
    await smallShop(app);
    await app.close();
    const before = json(siyu(dir, 'insight', 'kpi', '--json'));
    assert.deepEqual([json(siyu(dir, 'insight', 'rfm', '--json')).customers, before.customers, before.customers_total, before.orders, before.gmv], [4, 4, 5, 8, 580]);
    json(siyu(dir, 'consent', 'withdraw', '--customer', '1', '--purpose', 'analytics', '--json'));
    json(siyu(dir, 'dsr', 'restrict', '--customer', '2', '--json'));
    const k = json(siyu(dir, 'insight', 'kpi', '--json'));
    assert.deepEqual([json(siyu(dir, 'insight', 'rfm', '--json')).customers, k.customers, k.customers_total], [2, 2, 3], 'two fewer customers');
    assert.deepEqual([k.orders, k.gmv, k.refunds], [before.orders, before.gmv, before.refunds], "the brand's totals keep every order");
    const feb = json(siyu(dir, 'insight', 'kpi', '--from', '2024-02-01', '--to', '2024-02-29', '--json'));
    assert.deepEqual([feb.customers, feb.orders, feb.gmv], [1, 4, 190], 'the orders path too: customer 1 leaves the buyers, their February order stays in the totals');
    const c = json(siyu(dir, 'insight', 'cohort', '--json'));
    assert.deepEqual(c.cohorts.map((x: { cohort: string; size: number }) => [x.cohort, x.size]), [['2024-02', 1], ['2024-03', 1]]);
    const p1 = json(siyu(dir, 'insight', 'customer', '--id', '1', '--json'));
    assert.deepEqual([p1.analytics, p1.value, p1.timeline, p1.scores.rfm], [{ permitted: false, reason: 'withdrawn' }, null, [], null]);
    const p2 = json(siyu(dir, 'insight', 'customer', '--id', '2', '--json'));
    assert.deepEqual([p2.attributes.status, p2.analytics.reason], ['restricted', 'not_active']);
    const pop = json(siyu(dir, 'insight', 'portrait', '--json'));
    assert.equal(pop.city.reduce((s: number, x: { customers: number }) => s + x.customers, 0), 3);
    json(siyu(dir, 'dsr', 'restrict', '--customer', '2', '--lift', '--json'));
    assert.equal(json(siyu(dir, 'insight', 'rfm', '--json')).customers, 3, 'lifting the restriction brings the customer back');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** mulberry32: a small seeded PRNG so a failing case can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Pool { n: number; orders: { c: number | null; amt: number; cancelled: boolean; day: string }[] }

/** Random customers (restricted, merged, erased, children with and without a guardian's grant), their orders, events, groups, contacts, a campaign. */
async function randomPool(app: App, seed: number, n: number): Promise<Pool> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const w = app.warehouse;
  await clearConsents(app);
  for (const t of ['customers', 'orders', 'events', 'group_members', 'contact_ownership', 'campaign_members', 'campaigns', 'customer_tags', 'insight_watermarks']) await w.run(`delete from ${t}`);
  const year = new Date().getUTCFullYear();
  const customers: string[] = [];
  const consents: SeedConsent[] = [];
  const orders: Pool['orders'] = [];
  const rows: string[] = [];
  const events: string[] = [];
  const groups: string[] = [];
  const contacts: string[] = [];
  const members: string[] = [];
  let o = 0;
  for (let c = 1; c <= n; c++) {
    const status = pick(['active', 'active', 'active', 'active', 'active', 'restricted', 'merged', 'erased']);
    const child = r() < 0.15;
    customers.push(`(1, ${c}, '${status}', ${status === 'merged' ? 1 : 'null'}, ${child && r() < 0.3}, ${child ? year - 10 : r() < 0.7 ? 1960 + Math.floor(r() * 40) : 'null'}, '${pick(['杭州', '上海'])}', '${pick(['male', 'female', 'unknown'])}')`);
    if (child && r() < 0.5) consents.push({ customerId: c, purpose: 'guardian', status: 'granted', changedAt: '2025-01-01 10:00:00' });
    if (r() < 0.25) consents.push({ customerId: c, purpose: 'analytics', status: 'withdrawn', changedAt: '2025-01-02 10:00:00' });
    if (r() < 0.1) consents.push({ customerId: c, purpose: 'analytics', status: 'granted', changedAt: '2025-01-03 10:00:00' });
    if (status === 'erased') continue;
    if (status !== 'merged') {
      for (let k = Math.floor(r() * 5); k > 0; k--) {
        const day = `2024-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
        const amt = 10 + Math.floor(r() * 300);
        const cancelled = r() < 0.1;
        orders.push({ c, amt, cancelled, day });
        rows.push(`(1, 'o${++o}', ${c}, '${day} 04:00:00', '${day}', '${pick(['pos', 'mini_program'])}', '${pick(['G1', 'G2'])}', '${cancelled ? 'cancelled' : 'paid'}', ${amt}, ${r() < 0.3 ? 5 : 0})`);
        if (r() < 0.5) events.push(`(1, 'e${o}a', ${c}, null, 'product_view', '${day} 03:00:00', '${day}', '{"session_id":"s${o}"}')`, `(1, 'e${o}b', ${c}, null, 'add_to_cart', '${day} 03:10:00', '${day}', '{"session_id":"s${o}"}')`);
      }
    }
    if (r() < 0.4) groups.push(`(1, 'g1', ${c}, '2024-01-01 00:00:00', null)`);
    if (r() < 0.4) contacts.push(`(1, ${c}, '${pick(['G1', 'G2'])}', '2024-01-01 00:00:00', null)`);
    if (r() < 0.5) members.push(`(1, 'CMP', ${c}, '${pick(['treatment', 'holdout'])}', null)`);
  }
  for (let k = 0; k < 20; k++) {
    const day = `2024-0${1 + (k % 9)}-1${k % 10}`;
    orders.push({ c: null, amt: 7, cancelled: false, day });
    rows.push(`(1, 'x${k}', null, '${day} 04:00:00', '${day}', 'pos', null, 'paid', 7, 0)`);
    events.push(`(1, 'ax${k}', null, 'anon${k}', 'product_view', '${day} 03:00:00', '${day}', '{"session_id":"a${k}"}')`);
  }
  await w.run(`insert into customers (workspace_id, id, status, merged_into, is_minor, birth_year, city, gender) values ${customers.join(',')}`);
  if (rows.length) await w.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, channel, staff_code, status, gross_amount, discount_amount) values ${rows.join(',')}`);
  if (events.length) await w.run(`insert into events (workspace_id, event_id, customer_id, anonymous_key, type, occurred_at, event_date, properties) values ${events.join(',')}`);
  if (groups.length) await w.run(`insert into group_members (workspace_id, group_id, customer_id, joined_at, left_at) values ${groups.join(',')}`);
  if (contacts.length) await w.run(`insert into contact_ownership (workspace_id, customer_id, staff_code, added_at, removed_at) values ${contacts.join(',')}`);
  await w.run(`insert into campaigns (workspace_id, campaign_id, name, started_at, ended_at) values (1, 'CMP', 'c', '2024-01-01', '2025-01-01')`);
  if (members.length) await w.run(`insert into campaign_members (workspace_id, campaign_id, customer_id, arm, assigned_at) values ${members.join(',')}`);
  await seedConsents(app, consents);
  return { n, orders };
}

/** Who the one policy permits for analytics, asked customer by customer (canUse over the state ledger). */
async function permitted(app: App, n: number): Promise<Set<number>> {
  const out = new Set<number>();
  for (let c = 1; c <= n; c++) if ((await canUseCustomer(app, 'analytics', c)).allowed) out.add(c);
  return out;
}

async function assertScope(app: App, pool: Pool, label: string): Promise<void> {
  const ok = await permitted(app, pool.n);
  const counted = pool.orders.filter((x) => !x.cancelled);
  const buyers = new Set(counted.filter((x) => x.c !== null && ok.has(x.c)).map((x) => x.c));
  const gmv = Math.round(counted.reduce((s, x) => s + x.amt, 0) * 100) / 100;
  const k = await kpis(app);
  assert.deepEqual([k.customers, k.customers_total, k.orders, k.gmv], [buyers.size, ok.size, counted.length, gmv], `${label}: KPIs`);
  const win = await kpis(app, { from: '2024-03-01', to: '2024-08-31' });
  const inWin = counted.filter((x) => x.day >= '2024-03-01' && x.day <= '2024-08-31');
  assert.deepEqual([win.customers, win.orders], [new Set(inWin.filter((x) => x.c !== null && ok.has(x.c)).map((x) => x.c)).size, inWin.length], `${label}: KPIs from the orders`);
  assert.equal((await rfm(app)).customers, buyers.size, `${label}: RFM`);
  assert.equal((await rfm(app, { referenceDate: '2024-07-01' })).customers, new Set(counted.filter((x) => x.c !== null && ok.has(x.c) && x.day < '2024-07-01').map((x) => x.c)).size, `${label}: RFM from the orders`);
  const sizes = (r: Awaited<ReturnType<typeof cohorts>>) => r.cohorts.reduce((s, c) => s + c.size, 0);
  assert.equal(sizes(await cohorts(app)), buyers.size, `${label}: cohorts`);
  assert.equal(sizes(await cohorts(app, { period: 'week' })), buyers.size, `${label}: weekly cohorts`);
  assert.equal((await lifecycle(app)).stages.reduce((s, x) => s + x.customers, 0), ok.size, `${label}: lifecycle`);
  assert.equal((await tiers(app)).distribution.reduce((s, x) => s + x.customers, 0), buyers.size, `${label}: tiers`);
  assert.equal((await populationPortraits(app)).gender.reduce((s, x) => s + x.customers, 0), ok.size, `${label}: portrait`);
  await recomputeTags(app);
  const tagged = await app.warehouse.all<{ id: number }>(`select distinct customer_id as id from customer_tags where source = 'rule'`);
  assert.ok(tagged.length > 0, `${label}: some rule tags`);
  for (const t of tagged) assert.ok(ok.has(Number(t.id)), `${label}: customer ${t.id} carries a rule tag`);
  assert.equal((await listTags(app)).find((t) => t.name === '全员')!.customers, ok.size, `${label}: tag counts`);
  const f = await funnel(app, { unit: 'customer', steps: ['product_view', 'add_to_cart'] });
  const viewers = await app.warehouse.all<{ c: number | null; a: string | null }>(`select distinct customer_id as c, anonymous_key as a from events where type = 'product_view'`);
  assert.equal(f.rows[0].counts[0], viewers.filter((v) => v.c === null || ok.has(Number(v.c))).length, `${label}: funnel (anonymous visitors count)`);
  const own = await app.warehouse.all<{ c: number }>(`select customer_id as c from contact_ownership`);
  const st = await staffScorecard(app);
  assert.equal(st.staff.reduce((s, x) => s + x.contacts, 0), own.filter((x) => ok.has(Number(x.c))).length, `${label}: guides' contacts`);
  assert.equal(st.staff.reduce((s, x) => s + x.credited_orders, 0), counted.filter((x) => x.c !== null).length, `${label}: credited orders are totals`);
  const com = await communityLift(app);
  assert.equal(com.members_vs_others.members.customers + com.members_vs_others.non_members.customers, ok.size, `${label}: community`);
  const mem = await app.warehouse.all<{ c: number }>(`select customer_id as c from campaign_members`);
  const cmp = (await campaignUplift(app)).campaigns[0];
  assert.equal((cmp.treatment?.members ?? 0) + (cmp.holdout?.members ?? 0), mem.filter((x) => ok.has(Number(x.c))).length, `${label}: campaign arms`);
  const s = await series(app);
  assert.equal(s.points.reduce((t, x) => t + x.orders, 0), counted.length, `${label}: series orders are totals`);
  const b = await behaviour(app);
  assert.equal(b.heatmap.orders.flat().reduce((t, x) => t + x, 0), counted.length, `${label}: the heat map counts every order`);
  for (let c = 1; c <= pool.n; c++) {
    if (ok.has(c) || c % 5) continue;
    const p = await customerPortrait(app, c).catch(() => null);
    if (p) assert.deepEqual([p.analytics.permitted, p.value, p.tags], [false, null, []], `${label}: portrait of ${c}`);
  }
  const agg = await app.warehouse.all<{ id: number }>(`select customer_id as id from insight_customer_agg`);
  for (const a of agg) assert.ok(ok.has(Number(a.id)), `${label}: aggregate row of ${a.id}`);
}

test('property: no per-person result includes a customer the policy does not permit for analytics, totals keep every order, and changes follow', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-insight-scope-'));
  const app = await openApp({ dir });
  try {
    await defineTag(app, '全员', { all: [{ field: 'orders', op: '>=', value: 0 }] });
    for (const seed of [1, 2, 3]) {
      const pool = await randomPool(app, seed, 120);
      await assertScope(app, pool, `seed ${seed}`);
      // the same pool after withdrawals, grants back, restrictions and lifts through the ledger and the DSR code
      const r = rng(seed * 7919);
      for (let c = 1; c <= pool.n; c++) {
        const status = String(await app.warehouse.scalar(`select count(*) from customers where id = $c and status in ('active', 'restricted')`, { c }));
        if (status === '0') continue;
        const x = r();
        if (x < 0.1) await recordConsent(app, { customerId: c, purpose: 'analytics', status: 'withdrawn' });
        else if (x < 0.2) await recordConsent(app, { customerId: c, purpose: 'analytics', status: 'granted' });
        else if (x < 0.3) await restrict(app, c);
        else if (x < 0.4) await restrict(app, c, true);
      }
      await assertScope(app, pool, `seed ${seed}, after changes`);
    }
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
