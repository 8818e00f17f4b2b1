import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { listValue } from '@duckdb/node-api';
import { openApp } from '../src/app/context.ts';
import { generateDemo } from '../src/demo/generate.ts';
import { loadDemo } from '../src/demo/load.ts';

/**
 * Given the demo brand with 3,000 people (seed 11) loaded through the import path, the planted truth is
 * recoverable from the store: people resolved, rejected rows, consent rates, the group lift, the win-back arms.
 */
const root = mkdtempSync(join(tmpdir(), 'siyu-demo-load-'));
const files = join(root, 'files');
const gen = await generateDemo({ customers: 3000, seed: 11, out: files });
const truth = gen.truth;
const app = await openApp({ dir: join(root, 'store') });
const load = await loadDemo(app, files);
const ws = { ws: app.workspaceId };
const n = (sql: string, p: Record<string, unknown> = ws) => app.warehouse.scalar(sql, p);

test.after(() => {
  app.close();
  rmSync(root, { recursive: true, force: true });
});

test('every planted malformed row is rejected, and only those', () => {
  for (const s of load.steps) {
    const planted = truth.dirt.malformed_rows[s.file]?.rows ?? 0;
    assert.equal(s.rejected, planted, `${s.file}: ${JSON.stringify(s.reasons)}`);
  }
});

test('identity resolution finds exactly the distinct people, with all their member numbers', async () => {
  assert.equal(await n(`select count(*) from customers where workspace_id = $ws and status <> 'merged'`), truth.people.distinct);
  assert.equal(await n(`select count(*) from customer_identifiers where workspace_id = $ws and id_type = 'member_no'`), truth.people.member_records);
  const withTwo = await n(`select count(*) from (select customer_id from customer_identifiers where workspace_id = $ws and id_type = 'member_no' group by 1 having count(*) > 1)`);
  assert.equal(withTwo, truth.people.people_with_duplicates);
});

test('orders, order lines and events arrive in full and belong to customers', async () => {
  assert.equal(await n(`select count(*) from orders where workspace_id = $ws`), truth.orders.total);
  assert.equal(await n(`select count(*) from orders where workspace_id = $ws and customer_id is null`), 0);
  const lines = truth.orders.lines_by_file['order-lines.csv'] + truth.orders.lines_by_file['shop-orders-shopify.csv'];
  assert.equal(await n(`select count(*) from order_lines where workspace_id = $ws`), lines);
  assert.equal(await n(`select count(*) from events where workspace_id = $ws`), truth.events.total);
  const paid = await n(`select sum(gross_amount) from orders where workspace_id = $ws`);
  assert.ok(Math.abs(paid - truth.orders.paid_yuan) < 0.01, `${paid} vs ${truth.orders.paid_yuan}`);
});

test('consent rates per purpose are the planted ones (±0.03 at 3,000 people)', async () => {
  const rows = await app.warehouse.all<{ purpose: string; granted: number }>(
    `select purpose, count(*) filter (where status = 'granted') as granted
       from (select customer_id, purpose, arg_max(status, changed_at) as status from consents where workspace_id = $ws group by all)
      group by purpose`, ws);
  for (const r of rows) {
    const t = truth.consents[r.purpose];
    assert.equal(Number(r.granted), t.current, r.purpose);
    if (t.planted_rate !== null) assert.ok(Math.abs(Number(r.granted) / truth.people.distinct - t.planted_rate) < 0.03, `${r.purpose}: ${Number(r.granted) / truth.people.distinct} vs ${t.planted_rate}`);
  }
});

test('group members repurchase more: the lift and the planted rate multiplier are recovered', async (t) => {
  const rows = await app.warehouse.all<{ member: boolean; eligible: number; repurchased: number }>(
    `with f as (select customer_id, min(ordered_at) as first from orders where workspace_id = $ws group by 1),
          e as (select f.customer_id, count(o.order_id) as k from f join orders o on o.workspace_id = $ws and o.customer_id = f.customer_id and o.ordered_at < f.first + interval 90 day
                 where f.first <= $end::timestamp - interval 90 day group by 1)
     select e.customer_id in (select customer_id from group_members where workspace_id = $ws) as member,
            count(*) as eligible, count(*) filter (where k >= 2) as repurchased
       from e group by 1`,
    { ...ws, end: '2026-11-15 16:00:00' });
  const g = truth.groups.repurchase_90d;
  const m = rows.find((r) => r.member)!;
  const o = rows.find((r) => !r.member)!;
  assert.deepEqual([Number(m.eligible), Number(m.repurchased)], [g.members.eligible, g.members.repurchased]);
  assert.deepEqual([Number(o.eligible), Number(o.repurchased)], [g.non_members.eligible, g.non_members.repurchased]);
  const rm = Number(m.repurchased) / Number(m.eligible);
  const ro = Number(o.repurchased) / Number(o.eligible);
  assert.ok(Math.abs(rm / ro - g.expected_lift) < 0.15, `lift ${rm / ro} vs expected ${g.expected_lift}`);
  const { r, alpha } = truth.parameters.bgnbd;
  const c = (alpha * Math.pow(1 - rm, -1 / r) - alpha) / (90 / 7);
  t.diagnostic(`90-day repurchase: members ${rm.toFixed(3)}, others ${ro.toFixed(3)}, lift ${(rm / ro).toFixed(3)} (expected ${g.expected_lift}); recovered multiplier ${c.toFixed(2)} (planted 1.3)`);
  assert.ok(Math.abs(c - truth.parameters.groups.rateMultiplier) < 0.4, `recovered multiplier ${c}`);
});

test('the win-back arms and their conversions match the planted campaign', async () => {
  const rows = await app.warehouse.all<{ arm: string; assigned: number; converted: number }>(
    `select m.arm, count(*) as assigned,
            count(*) filter (where exists (select 1 from orders o where o.workspace_id = $ws and o.customer_id = m.customer_id and o.ordered_at >= $start::timestamp and o.ordered_at < $start::timestamp + interval 30 day)) as converted
       from campaign_members m where m.workspace_id = $ws and m.campaign_id = 'CMP-WB-2606' group by 1`,
    { ...ws, start: '2026-05-31 16:00:00' });
  for (const r of rows) {
    const t = truth.winback[r.arm];
    assert.deepEqual([Number(r.assigned), Number(r.converted)], [t.assigned, t.converted], r.arm);
  }
  assert.ok(truth.winback.uplift > 0);
});

test('no table holds a plaintext phone, e-mail or name', async () => {
  const members = parse(readFileSync(join(files, 'members.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const names = [...new Set(members.map((m) => m.name).filter((x) => [...x].length === 3))].slice(0, 300);
  const cols = await app.warehouse.all<{ t: string; c: string }>(`select table_name as t, column_name as c from information_schema.columns where data_type in ('VARCHAR', 'JSON') and table_schema = 'main'`);
  const hits: string[] = [];
  const phone = `(^|[^0-9])(\\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}([^0-9]|$)`;
  for (const { t, c } of cols) {
    const v = `regexp_replace("${c}"::varchar, '[A-Za-z0-9+/=_-]{24,}', '', 'g')`;
    const k = await n(`select count(*) from "${t}" where regexp_matches(${v}, '${phone}') or regexp_matches("${c}"::varchar, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}') or list_has_any(regexp_extract_all("${c}"::varchar, '[\\x{4e00}-\\x{9fff}]{3}'), $names)`, { names: listValue(names) });
    if (k > 0) hits.push(`${t}.${c}: ${k}`);
  }
  assert.deepEqual(hits, []);
});
