// The report on a small brand with planted effects (test/report.fixture.ts): what it finds, how it ranks, what it
// leaves out, and the three formats from the real CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { buildReport } from '../src/report/build.ts';
import { renderHtml } from '../src/report/render/html.ts';
import { renderMarkdown } from '../src/report/render/markdown.ts';
import type { Report } from '../src/report/model.ts';
import { seedReportFixture, FIXTURE } from './report.fixture.ts';
import { buildServer } from '../src/server/app.ts';
import { generateMonthly } from '../src/report/history.ts';
import { authHeaders } from '../src/server/auth/testing.ts';

let dir: string;
let app: App;
let report: Report;
let closed = false;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'siyu-report-'));
  app = await openApp({ dir });
  await seedReportFixture(app);
  report = await buildReport(app, { now: new Date('2026-11-01T08:00:00Z') });
});
after(() => {
  if (!closed) app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('given data to 2026-10-31, the default period is October 2026', () => {
  assert.deepEqual(report.window, { from: '2026-10-01', to: FIXTURE.to });
});

test('the three planted effects are among the top five findings, each with its evidence chart', () => {
  const top = report.ranked.slice(0, 5);
  for (const tag of ['dormant_high_value', 'community_lift', 'campaign_uplift']) {
    const f = top.find((x) => x.tags?.includes(tag));
    assert.ok(f, `${tag} not in the top 5: ${top.map((x) => x.id).join(', ')}`);
    assert.ok(f.chart, `${tag} has no chart`);
  }
});

test('the campaign finding shows 600 treatment against 200 holdout, with a significant z-test', () => {
  const f = report.ranked.find((x) => x.id === 'campaign-C1')!;
  assert.equal(f.significance!.n1, 600);
  assert.equal(f.significance!.n2, 200);
  assert.ok(f.significance!.p1 > f.significance!.p2);
  assert.ok(f.significance!.pValue < 0.001);
});

test('the dormant high-value audience is the 150 planted big spenders, saved as a tag, with consent reach per channel', async () => {
  const rec = report.recommendations.find((r) => r.id === 'winback-dormant-high-value')!;
  assert.ok(rec, 'no win-back recommendation');
  const [{ n, planted }] = await app.warehouse.all(`select count(*) as n, count(*) filter (where customer_id <= 150) as planted from customer_tags where tag = 'report:dormant_high_value'`);
  const [{ buyers }] = await app.warehouse.all(`select count(distinct customer_id) as buyers from orders where customer_id <= 150`);
  assert.equal(Number(n), rec.audience);
  assert.equal(Number(planted), Number(buyers), 'every planted big spender who ever bought is in the audience');
  // the thresholds are population means, so some ordinary customers who spent above the mean and lapsed join them
  assert.ok(Number(n) - Number(planted) < 60, `${Number(n) - Number(planted)} others in the audience`);
  // fixture consent: marketing_wecom for even ids, marketing_sms for multiples of 5
  const [{ even, five }] = await app.warehouse.all(`select count(*) filter (where customer_id % 2 = 0) as even, count(*) filter (where customer_id % 5 = 0) as five from customer_tags where tag = 'report:dormant_high_value'`);
  assert.deepEqual(rec.channels, [{ channel: 'wecom', reachable: Number(even) }, { channel: 'sms', reachable: Number(five) }]);
  assert.ok(rec.expectedYuan > 0);
  assert.match(rec.assumption.en, /reachable × observed win-back rate/);
  assert.match(rec.segment.link, /segment=report%3Adormant_high_value/);
});

test('every chapter with data is present; the fixture has no chapter it pretends to', () => {
  const keys = report.chapters.map((c) => c.key);
  for (const k of ['summary', 'portrait', 'lifecycle', 'rfm', 'community', 'campaigns', 'recommendations']) assert.ok(keys.includes(k as never), k);
  for (const c of report.chapters) assert.ok(c.findings.length + c.charts.length > 0 || c.key === 'recommendations' || (c.facts?.length ?? 0) > 0, `${c.key} is empty`);
});

test('HTML: chapters, inlined ECharts, no network scripts, embedded CJK font, zh and en', () => {
  const zh = renderHtml(report, 'zh');
  const en = renderHtml(report, 'en');
  for (const w of ['用户画像', '生命周期', 'RFM', '建议', '社群']) assert.ok(zh.includes(w), w);
  assert.ok(en.includes('Recommendations'));
  assert.doesNotMatch(zh, /<script[^>]+src=/);
  assert.match(zh, /echarts/i);
  assert.match(zh, /@font-face\{font-family:'Siyu Noto Sans SC'.*base64/);
  assert.equal((zh.match(/data-chart="/g) ?? []).length, (zh.match(/"id":"/g) ?? []).length || (zh.match(/data-chart="/g) ?? []).length);
});

test('Markdown: the same findings, charts as tables', () => {
  const md = renderMarkdown(report, 'zh');
  assert.match(md, /^# 零售私域流量运营数据洞察与营销优化报告/);
  assert.match(md, /## 优化建议/);
  assert.match(md, /\| 实验组 \| \d+\.\d%/);
});

test('the server answers /report in each format and language, / with the zh HTML, and keeps and serves the monthly history', async () => {
  const server = await buildServer(app);
  await server.listen({ port: 0, host: '127.0.0.1' });
  const headers = await authHeaders(app, 'analyst');
  const fetch = (url: string) => globalThis.fetch(url, { headers });
  try {
    assert.equal((await globalThis.fetch(`http://127.0.0.1:${(server.server.address() as { port: number }).port}/report`)).status, 401, 'the report needs a signed-in user');
    const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    const md = await fetch(`${base}/report?lang=en&format=md`);
    assert.equal(md.status, 200);
    assert.match(md.headers.get('content-type') ?? '', /text\/markdown/);
    assert.match(await md.text(), /## Recommendations/);
    const home = await fetch(`${base}/`);
    assert.match(home.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await home.text(), /零售私域流量运营数据洞察与营销优化报告/);
    const bad = await fetch(`${base}/report?format=docx`);
    assert.equal(bad.status, 400);
    // the home page kept the default month's report as history
    assert.deepEqual(((await (await fetch(`${base}/api/v1/reports`)).json()) as { reports: { month: string }[] }).reports.map((r) => r.month), ['2026-10']);
    await generateMonthly(app, '2026-09', { pdf: false });
    const hist = (await (await fetch(`${base}/api/v1/reports`)).json()) as { reports: { month: string; files: string[] }[] };
    const files = ['report-zh.html', 'report-zh.md', 'report-en.html', 'report-en.md'];
    assert.deepEqual(hist.reports.map((r) => [r.month, r.files]), [['2026-10', files], ['2026-09', files]]);
    const kept = await fetch(`${base}/reports/2026-09/report-en.md`);
    assert.equal(kept.status, 200);
    assert.match(await kept.text(), /2026-09-01 — 2026-09-30/);
  } finally {
    await server.close();
  }
});

test('the CLI writes Markdown, and says why a bad --format is refused', () => {
  const env = { ...process.env, SIYU_DATA_DIR: dir };
  app.close();
  closed = true;
  try {
    const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
    const out = join(dir, 'r.md');
    const r = spawnSync(process.execPath, [bin, 'report', '--lang', 'en', '--format', 'md', '--out', out], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(readFileSync(out, 'utf8').includes('Recommendation'));
    const bad = spawnSync(process.execPath, [bin, 'report', '--format', 'docx'], { env, encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--format must be html, pdf or md/);
  } finally {
    closed = true;
  }
});
