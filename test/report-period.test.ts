// The report's period (issue #18 item 7): one /v1/track event dated today moved 数据覆盖 and the default month to a
// month whose orders stop halfway, and the report raised false alarms against an equal-length window. The default is
// the last complete calendar month the orders cover; a partial month is said to be partial; 环比 compares calendar
// periods; a month without orders is a clear warning, not an empty report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from './collect.helpers.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { buildReport } from '../src/report/build.ts';
import { renderMarkdown } from '../src/report/render/markdown.ts';
import { kpis } from '../src/insight/kpis.ts';
import { openApp } from '../src/app/context.ts';

let h: Harness;
let headers: { authorization: string };

/** Orders every day from `from` to `to` (four a day, 300 customers), none in the months listed in `skip`. */
async function seedOrders(app: Harness['app'], from: string, to: string, skip: string[] = []): Promise<void> {
  await app.warehouse.run(`insert into customers (workspace_id, id, gender) select 1, i, 'female' from range(1, 301) t(i)
    where i not in (select id from customers where workspace_id = 1)`);
  await app.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount, item_count)
    select 1, 'o' || strftime(d, '%Y%m%d') || '-' || k, ((date_diff('day', date '2025-01-01', d::date) * 4 + k) % 300) + 1,
      d + interval 11 hour, d::date, 'paid', (100 + (date_diff('day', date '2025-01-01', d::date) * (k + 1)) % 50)::decimal(18,2), 1
    from range($from::timestamp, $to::timestamp + interval 1 day, interval 1 day) t(d), range(0, 4) u(k)
    where strftime(d, '%Y-%m') not in (select unnest(string_split($skip, ',')))`, { from, to, skip: skip.join(',') });
  await app.warehouse.checkpoint();
}

before(async () => {
  h = await startHarness();
  await seedOrders(h.app, '2025-09-01', '2026-11-15', ['2026-03']);
  headers = await authHeaders(h.app, 'analyst');
  // one event dated "today", far past the last order, from an SDK
  const source = await h.source('web');
  const r = await fetch(`${h.url}/v1/track`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${source.write_key}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'u1', event: 'Product Viewed', timestamp: '2026-12-07T10:00:00+08:00', messageId: 'today-1' }),
  });
  assert.equal(r.status, 200);
  await h.drained();
  assert.equal(await h.app.warehouse.scalar(`select count(*) from events where event_date = date '2026-12-07'`), 1);
});
after(async () => { await h?.close(); });

const get = async (path: string) => {
  const r = await fetch(`${h.url}${path}`, { headers });
  return { status: r.status, text: await r.text() };
};

test('one event dated today does not move the default period: October, the last month the orders cover, compared with September 1–30', async () => {
  for (const lang of ['zh', 'en'] as const) {
    const r = await get(`/report?lang=${lang}&format=md`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.text, /2026-10-01 — 2026-10-31/);
    assert.doesNotMatch(r.text, /不完整月份|Partial month/);
  }
  const zh = (await get('/report?lang=zh&format=md')).text;
  assert.match(zh, /订单数据覆盖 2025-09-01 至 2026-11-15/);
  assert.match(zh, /上一周期（2026-09-01 至 2026-09-30）/);
  const en = (await get('/report?lang=en&format=md')).text;
  assert.match(en, /previous period \(2026-09-01 to 2026-09-30\)/);
});

test('a partial month is said to be partial, and compared with the same days of the month before', async () => {
  const report = await buildReport(h.app, { from: '2026-11-01', to: '2026-11-30' });
  assert.deepEqual(report.window, { from: '2026-11-01', to: '2026-11-30' });
  assert.match(report.coverage.partial!.zh, /不完整月份：订单数据截至 2026-11-15，报告期 2026-11-01 至 2026-11-30 的 30 天中只有 15 天有订单数据；环比对比 2026-10-01 至 2026-10-15/);
  assert.match(report.coverage.partial!.en, /Partial month: the orders end on 2026-11-15, so only 15 of the period's 30 days/);
  const md = renderMarkdown(report, 'zh');
  assert.match(md, /^> \*\*不完整月份/m);
  const tile = report.chapters.find((c) => c.key === 'summary')!.tiles!.find((t) => t.key === 'gmv')!;
  const half = await kpis(h.app, { from: '2026-10-01', to: '2026-10-15' }, { compare: false });
  assert.equal(tile.previous, half.gmv, 'the comparison is October 1–15, like with like');
  // the month to date of a month whose orders go on: partial, compared with the same days before
  const mtd = await buildReport(h.app, { to: '2026-10-10' });
  assert.deepEqual(mtd.window, { from: '2026-10-01', to: '2026-10-10' });
  assert.match(mtd.coverage.partial!.en, /holds 10 of its month's 31 days; compared with 2026-09-01 to 2026-09-10/);
});

test('a month without orders is a clear warning (CLI and HTTP), not an empty report', async () => {
  for (const [from, to] of [['2027-01-01', '2027-01-31'], ['2026-03-01', '2026-03-31']]) {
    const r = await get(`/report?lang=en&format=md&from=${from}&to=${to}`);
    assert.equal(r.status, 400);
    const body = JSON.parse(r.text) as { error: string; message: string; message_zh: string };
    assert.equal(body.error, 'no_orders_in_period');
    assert.match(body.message, new RegExp(`No orders between ${from} and ${to}: there is nothing to report on\\. The orders cover 2025-09-01 to 2026-11-15`));
    assert.match(body.message_zh, new RegExp(`${from} 至 ${to} 没有任何订单`));
  }
  const dir = mkdtempSync(join(tmpdir(), 'siyu-report-empty-'));
  try {
    const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
    const r = spawnSync(process.execPath, [bin, 'report', '--format', 'md'], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /The store has no orders yet/);
    assert.match(r.stderr, /数据库中还没有订单/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after the rest of November is imported, the default is November, compared with October 1–31 (not 10-02…10-31)', async () => {
  await seedOrders(h.app, '2026-11-16', '2026-11-30');
  const report = await buildReport(h.app);
  assert.deepEqual(report.window, { from: '2026-11-01', to: '2026-11-30' });
  assert.equal(report.coverage.partial, null);
  const gmv = report.chapters.find((c) => c.key === 'summary')!.findings.find((f) => f.id === 'summary-gmv')!;
  assert.match(gmv.statement.zh, /上一周期（2026-10-01 至 2026-10-31）/);
  const oct = await kpis(h.app, { from: '2026-10-01', to: '2026-10-31' }, { compare: false });
  assert.equal(report.chapters[0].tiles!.find((t) => t.key === 'gmv')!.previous, oct.gmv);
});

test('with orders of part of one month only, the default is that month to date, said to be partial', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-report-short-'));
  const app = await openApp({ dir });
  try {
    await seedOrders(app as Harness['app'], '2026-11-03', '2026-11-15');
    const report = await buildReport(app);
    assert.deepEqual(report.window, { from: '2026-11-01', to: '2026-11-15' });
    assert.match(report.coverage.partial!.zh, /订单数据从 2026-11-03 开始/);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
