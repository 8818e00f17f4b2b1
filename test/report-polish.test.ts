// What a first real look at the report found rough (issue #18 item 9), each checked on the report's content: tiles
// coloured by good/bad, no stored codes in the zh text, the heat map's scale beside (not under) its axis, the guides
// by their names, the brand's display name (CLI and API) on the cover and header, findings left out below their
// minimum data span, and the holdout chart's legend clear of its subtitle. The browser-side checks (the PDF's
// cover and page numbers, no slider, no overlapping labels) are in report-browser.test.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { buildReport } from '../src/report/build.ts';
import { renderHtml } from '../src/report/render/html.ts';
import { renderMarkdown } from '../src/report/render/markdown.ts';
import { tilesHtml } from '../src/report/render/htmlParts.ts';
import { echartsOption } from '../src/report/render/chartOption.ts';
import type { Report } from '../src/report/model.ts';
import { buildServer } from '../src/server/app.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { holdoutChartSvg } from '../src/models/holdoutChartFile.ts';
import { holdoutChartData } from '../src/domain/models/holdoutChart.ts';
import { seedReportFixture } from './report.fixture.ts';

let dir: string;
let app: App;
let report: Report;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siyu-report-polish-'));
  app = await openApp({ dir });
  await seedReportFixture(app);
  const db = app.warehouse;
  // what a real brand's data carries and the fixture lacks: 有赞's 后台导入 channel, content of every format, named guides
  await db.run(`update customers set acquisition_channel = 'import' where id % 7 = 0`);
  await db.run(`insert into content_items (workspace_id, content_id, title, kind) values
    (1, 'c1', '秋茶上新', 'article'), (1, 'c2', '冲泡教学', 'video'), (1, 'c3', '直播回放', 'live'), (1, 'c4', '会员日海报', 'poster')`);
  await db.run(`insert into events (workspace_id, event_id, customer_id, type, occurred_at, event_date, properties)
    select 1, 'read-' || i, i, 'content_read', timestamp '2026-10-12 09:00:00', date '2026-10-12', json_object('content_id', 'c' || (1 + i % 4))
    from range(1, 400) t(i)`);
  await db.run(`update staff set name_masked = '王*' where code in ('G1', 'G4')`);
  await db.run(`update staff set name_masked = '李**' where code = 'G2'`);
  await db.checkpoint();
  report = await buildReport(app, { now: new Date('2026-11-01T08:00:00Z') });
});
after(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('KPI tiles are coloured good/bad, not by direction: a churn rate going up is bad, GMV going up is good', () => {
  const html = tilesHtml([
    { key: 'churn_rate', label: { zh: '流失率', en: 'Churn rate' }, unit: 'percent', value: 0.3, previous: 0.2, lastYear: 0.4, better: 'down' },
    { key: 'gmv', label: { zh: '成交额', en: 'GMV' }, unit: 'yuan', value: 120, previous: 100, lastYear: 150 },
  ], 'zh');
  const tile = (key: string) => html.split('<div class="tile"').find((t) => t.startsWith(` data-kpi="${key}"`)) ?? '';
  assert.match(tile('churn_rate'), /class="cmp bad" data-judgement="bad">环比 \+50\.0%/);
  assert.match(tile('churn_rate'), /class="cmp good" data-judgement="good">同比 -25\.0%/);
  assert.match(tile('gmv'), /class="cmp good" data-judgement="good">环比 \+20\.0%/);
  assert.match(tile('gmv'), /class="cmp bad" data-judgement="bad">同比 -20\.0%/);
  // and in the report: the churn tile is judged by 'down is better'
  const churn = report.chapters[0].tiles!.find((t) => t.key === 'churn_rate')!;
  assert.equal(churn.better, 'down');
  const rose = churn.value! > churn.previous!;
  const real = renderHtml(report, 'zh');
  const at = real.indexOf('data-kpi="churn_rate"');
  assert.match(real.slice(at, at + 400), new RegExp(`data-judgement="${rose ? 'bad' : 'good'}">环比`));
});

/** Codes as stored that must not show in the zh text (their names do). */
const CODES = /\b(wecom|wecom_qr|email|sms|push|live|article|video|poster|winback|promotion|name|gender|birthday|import|mini_program|pos|ecommerce|phone|member_no|unionid|openid|external_userid|owner_staff_code|home_store_code|acquisition_channel|two-proportion)\b/g;

test('no stored codes in the zh text: channels, formats, campaign kinds, fields, acquisition channels have names', () => {
  const md = renderMarkdown(report, 'zh');
  const prose = md.replace(/\[report:[a-z_]+\]\([^)]*\)/g, '');
  assert.deepEqual([...new Set(prose.match(CODES) ?? [])], []);
  const html = renderHtml(report, 'zh');
  const visible = html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/report:[a-z_]+/g, '');
  assert.deepEqual([...new Set(visible.match(CODES) ?? [])], []);
  for (const name of ['后台导入', '图文', '视频', '直播', '海报', '企业微信（可触达', '召回活动', '双样本比例 z 检验', '姓名', '性别']) assert.ok(md.includes(name), `${name} missing`);
  // the English report names them in English
  const en = renderMarkdown(report, 'en');
  for (const name of ['Imported', 'Article', 'Video', 'Poster', 'WeCom (reachable', 'two-proportion z-test']) assert.ok(en.includes(name), `${name} missing from en`);
});

test('the heat map keeps its scale on the right of the grid, clear of the hour axis', () => {
  const heat = report.chapters.flatMap((c) => c.charts).find((c) => c.kind === 'heatmap')!;
  const o = echartsOption(heat, 'zh') as { grid: { right: number; bottom: number }; visualMap: { orient: string; right: number; top: string; itemWidth: number } };
  assert.equal(o.visualMap.orient, 'vertical');
  assert.equal(o.visualMap.top, 'middle');
  assert.ok(o.grid.right >= o.visualMap.right + o.visualMap.itemWidth + 40, `grid.right ${o.grid.right} leaves no room for the scale and its numbers`);
  // the page drops the drag handles when printing
  assert.match(renderHtml(report, 'zh'), /if \(print && o\.visualMap\) \{ o\.visualMap\.calculable = false;/);
});

test('the guide leaderboard shows the names the brand gave its guides, codes only for those without one', () => {
  const chart = report.chapters.find((c) => c.key === 'channels')!.charts.find((c) => c.id === 'channels-staff')!;
  const zh = chart.categories.map((c) => c.zh).sort();
  assert.deepEqual(zh, ['G0（门店0）', 'G3（门店0）', '李**（门店2）', '王*·G1（门店1）', '王*·G4（门店1）'].sort());
  assert.ok(chart.categories.some((c) => c.en === '李** (门店2)'));
});

test('findings state their minimum data span; below it they are left out and listed, without their recommendation', async () => {
  const md = renderMarkdown(report, 'zh');
  assert.match(md, /\*数据要求：至少 180 天订单数据（现有 \d+ 天）\*/);
  assert.equal(report.omittedFindings.length, 0, 'the fixture has 22 months of orders');
  const d = mkdtempSync(join(tmpdir(), 'siyu-report-thin-'));
  const a = await openApp({ dir: d });
  try {
    // five days of orders: ten big spenders on the first day only, forty small buyers spread over the five days
    await a.warehouse.run(`insert into customers (workspace_id, id, gender) select 1, i, 'female' from range(1, 51) t(i)`);
    await a.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount, item_count)
      select 1, 'o' || i, i, timestamp '2026-11-01 10:00' + to_days(case when i <= 10 then 0 else i % 5 end), (date '2026-11-01' + to_days(case when i <= 10 then 0 else i % 5 end))::date,
        'paid', case when i <= 10 then 2000 else 50 end, 1 from range(1, 51) t(i)`);
    const thin = await buildReport(a);
    assert.deepEqual(thin.window, { from: '2026-11-01', to: '2026-11-05' });
    const left = thin.omittedFindings.find((f) => f.id === 'rfm-dormant-high-value');
    assert.ok(left, `the dormant high-value finding on 5 days of data: ${JSON.stringify(thin.ranked.map((f) => f.id))}`);
    assert.deepEqual([left.minSpanDays, left.dataDays], [180, 5]);
    assert.ok(!thin.ranked.some((f) => f.id === 'rfm-dormant-high-value'));
    assert.ok(!thin.recommendations.some((r) => r.basedOn.includes('rfm-dormant-high-value')));
    assert.equal(await a.warehouse.scalar(`select count(*) from customer_tags where tag = 'report:dormant_high_value'`), 0, 'no audience saved on it');
    const thinMd = renderMarkdown(thin, 'zh');
    assert.doesNotMatch(thinMd, /天以上未下单（重要保持/);
    assert.match(thinMd, /## 因数据不足未纳入的发现\n\n- \*\*\d+ 位高价值客户进入沉睡\*\*: 数据要求：至少 180 天订单数据（现有 5 天）/);
    assert.match(renderMarkdown(thin, 'en'), /## Findings left out for too little data\n\n- \*\*\d+ high-value customers have gone quiet\*\*: Needs at least 180 days of orders \(there are 5\)/);
    assert.ok(thin.chapters.find((c) => c.key === 'rfm')!.charts.some((c) => c.id === 'rfm-segments'), 'its evidence chart stays in the chapter');
  } finally {
    await a.close();
    rmSync(d, { recursive: true, force: true });
  }
});

test('the brand\'s display name: set with siyu workspace set --name and PATCH /api/v1/workspace, printed on the cover and header; never "default"', async () => {
  const md = renderMarkdown(report, 'zh');
  assert.match(md.split('\n')[2], /^示例品牌 · 报告期/, 'the warehouse name when no display name is set');
  const bare = mkdtempSync(join(tmpdir(), 'siyu-report-brand-'));
  const a = await openApp({ dir: bare });
  try {
    await a.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount) values (1, 'o1', null, timestamp '2026-10-10 10:00', date '2026-10-10', 'paid', 10)`);
    await a.warehouse.checkpoint();
    const r = await buildReport(a);
    assert.equal(r.brand, '');
    assert.doesNotMatch(renderMarkdown(r, 'en'), /default/);
    assert.doesNotMatch(renderHtml(r, 'en').replace(/<script[\s\S]*?<\/script>/g, ''), /\bdefault\b/);
  } finally {
    await a.close();
  }
  try {
    const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: bare }, encoding: 'utf8' });
    const set = run('workspace', 'set', '--name', '山岚茶事', '--json');
    assert.equal(set.status, 0, set.stderr);
    assert.equal(JSON.parse(set.stdout).display_name, '山岚茶事');
    const bad = run('workspace', 'set', '--name', '  ');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /The display name must not be empty/);
    const out = join(bare, 'r.md');
    assert.equal(run('report', '--lang', 'zh', '--format', 'md', '--out', out).status, 0);
    const html = join(bare, 'r.html');
    assert.equal(run('report', '--lang', 'zh', '--format', 'html', '--out', html).status, 0);
    const { readFileSync } = await import('node:fs');
    assert.match(readFileSync(out, 'utf8').split('\n')[2], /^山岚茶事 · 报告期 2026-10-01 — 2026-10-10/);
    assert.match(readFileSync(html, 'utf8'), /<section class="cover"[^>]*><div class="cover-brand">山岚茶事<\/div>\n<h1 class="cover-title">零售私域流量运营数据洞察与营销优化报告<\/h1>\n<p class="cover-period">报告期 2026-10-01 — 2026-10-10<\/p>/);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
  // over HTTP: settings:write (owner, admin) only; bad names refused before anything is written
  const server = await buildServer(app);
  try {
    const admin = await authHeaders(app, 'admin');
    const analyst = await authHeaders(app, 'analyst');
    const patch = (headers: Record<string, string>, body: unknown) => server.inject({ method: 'PATCH', url: '/api/v1/workspace', headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    assert.equal((await patch(analyst, { display_name: 'X' })).statusCode, 403);
    const badName = await patch(admin, { display_name: 'a\nb' });
    assert.equal(badName.statusCode, 400);
    assert.match(badName.json().message, /control characters/);
    const ok = await patch(admin, { display_name: '山岚茶事 · 杭州' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().display_name, '山岚茶事 · 杭州');
    assert.equal((await server.inject({ method: 'GET', url: '/api/v1/workspace', headers: admin })).json().display_name, '山岚茶事 · 杭州');
    assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'workspace.set'`), 1);
    assert.equal((await buildReport(app)).brand, '山岚茶事 · 杭州');
  } finally {
    await server.close();
  }
});

test('the BG/NBD holdout chart: the legend sits below the first panel\'s subtitle, not on it', () => {
  const weeks = Array.from({ length: 20 }, (_, i) => i + 1);
  const data = holdoutChartData({
    calibrationEnd: '2026-06-30', holdoutEnd: '2026-11-15',
    byFrequency: ['0', '1', '2', '3+'].map((x, i) => ({ x, customers: 100 - i * 20, actual: 0.2 + i * 0.1, predicted: 0.25 + i * 0.1 })),
    weekly: weeks.map((w) => ({ week: w, actual: w, predicted: w + 0.5, actualCumulative: (w * (w + 1)) / 2, predictedCumulative: (w * (w + 1)) / 2 + w / 2, holdout: w > 10 })),
  });
  const svg = holdoutChartSvg(data);
  const yOf = (text: string) => {
    const m = new RegExp(`<text[^>]*transform="translate\\(([\\d.]+) ([\\d.]+)\\)"[^>]*>${text.replace(/[()]/g, '\\$&')}`).exec(svg);
    assert.ok(m, `no text "${text}" in the SVG`);
    return Number(m[2]);
  };
  const subtitle = yOf('Holdout repeat purchase days per customer');
  const legend = yOf('actual / 实际');
  assert.ok(legend - subtitle >= 14, `the legend (y ${legend}) overlaps the subtitle (y ${subtitle})`);
});
