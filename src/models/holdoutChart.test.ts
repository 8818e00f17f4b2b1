// Specification of the calibration/holdout chart: the CDNOW sample fitted to 1997-09-30, the chart written as
// self-contained HTML and SVG (CLI), and served by GET /api/v1/models/bgnbd/holdout; every form carries the
// evaluation's real numbers. Data: the CDNOW sample (skips when absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { hasCdnow } from '../domain/models/cdnow.fixture.ts';
import { cdnowApp } from './cdnowStore.fixture.ts';
import { fitBgNbdModel } from './fit.ts';
import type { HoldoutEvaluation } from './holdout.ts';
import { chartFormatOf, writeHoldoutChart } from './holdoutChartFile.ts';
import { buildServer } from '../server/app.ts';
import { authHeaders } from '../server/auth/testing.ts';

const skip = hasCdnow() ? false : 'CDNOW dataset folder (../shared/datasets/cdnow) is absent';
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const r1 = (v: number) => Math.round(v * 10) / 10;
const between = (s: string, open: RegExp, close: string) => {
  const m = open.exec(s);
  assert.ok(m, `${open} not found`);
  return s.slice(m.index + m[0].length, s.indexOf(close, m.index + m[0].length));
};

test('given CDNOW fitted to 1997-09-30, when the holdout chart is written as HTML and SVG, then both hold the evaluation\'s series, and the API serves the same', { skip }, async () => {
  const app = await cdnowApp();
  const out = mkdtempSync(join(tmpdir(), 'siyu-holdout-chart-'));
  try {
    const fit = await fitBgNbdModel(app, { calibrationEnd: '1997-09-30' });
    const h = fit.card.metrics.holdout as HoldoutEvaluation;
    // The numbers the chart must show: x = 0 customers made 334 repeat days over 1,411 customers in the holdout.
    assert.equal(h.byFrequency[0].customers, 1411);
    assert.equal(r4(h.byFrequency[0].actual), r4(334 / 1411));
    assert.equal(h.weekly.length, 78);
    assert.equal(h.weekly.at(-1)!.actualCumulative, h.weekly.reduce((s, w) => s + w.actual, 0));

    writeHoldoutChart(h, join(out, 'h.html'));
    const html = readFileSync(join(out, 'h.html'), 'utf8');
    assert.ok(html.includes('echarts') && !/<script src=/.test(html), 'ECharts is inlined, nothing is fetched');
    const option = JSON.parse(between(html, /<script id="chart-option" type="application\/json">/, '</script>')) as { series: { data: number[] }[] };
    assert.deepEqual(option.series[0].data, h.byFrequency.map((b) => r4(b.actual)));
    assert.deepEqual(option.series[1].data, h.byFrequency.map((b) => r4(b.predicted)));
    assert.deepEqual(option.series[2].data, h.weekly.map((w) => w.actualCumulative));
    assert.deepEqual(option.series[3].data, h.weekly.map((w) => r1(w.predictedCumulative)));
    assert.deepEqual(option.series[4].data, h.weekly.map((w) => w.actual));
    assert.deepEqual(option.series[5].data, h.weekly.map((w) => r1(w.predicted)));
    const data = JSON.parse(between(html, /<script id="siyu-chart-data" type="application\/json">/, '</script>')) as { weekly: { firstHoldoutWeek: number } };
    assert.equal(data.weekly.firstHoldoutWeek, 40, 'the holdout starts in week 40 (1997-10-01)');

    writeHoldoutChart(h, join(out, 'h.svg'));
    const svg = readFileSync(join(out, 'h.svg'), 'utf8');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const meta = JSON.parse(between(svg, /<metadata id="siyu-chart-data">/, '</metadata>')) as { byFrequency: { actual: number[] } };
    assert.deepEqual(meta.byFrequency.actual, h.byFrequency.map((b) => r4(b.actual)));
    assert.ok(svg.includes(`>${r4(h.byFrequency[0].actual)}<`), 'the bar labels are drawn with the values');
    assert.ok((svg.match(/<path /g) ?? []).length > 20, 'bars and lines are drawn');

    const server = await buildServer(app);
    try {
      const headers = await authHeaders(app, 'analyst');
      const json = await server.inject({ method: 'GET', url: '/api/v1/models/bgnbd/holdout', headers });
      assert.equal(json.statusCode, 200);
      assert.deepEqual(json.json().byFrequency.predicted, h.byFrequency.map((b) => r4(b.predicted)));
      const page = await server.inject({ method: 'GET', url: '/api/v1/models/bgnbd/holdout?format=svg', headers });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /^image\/svg\+xml/);
      assert.ok(page.body.includes('<metadata id="siyu-chart-data">'));
      assert.equal((await server.inject({ method: 'GET', url: '/api/v1/models/bgnbd/holdout?format=html' })).statusCode, 401);
    } finally {
      await server.close();
    }
  } finally {
    app.close();
    rmSync(out, { recursive: true, force: true });
  }
});

test('given a store with orders, when `siyu model card bgnbd --chart x.svg --json` runs, then the file is written and the JSON carries the chart data', { skip }, async () => {
  const app = await cdnowApp();
  const dir = app.dir;
  await fitBgNbdModel(app, { calibrationEnd: '1997-09-30' });
  app.close();
  const file = join(dir, 'holdout.svg');
  const run = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'siyu.mjs'), 'model', 'card', 'bgnbd', '--chart', file, '--json'],
    { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
  try {
    assert.equal(run.status, 0, run.stderr);
    const card = JSON.parse(run.stdout) as { chart: { byFrequency: { customers: number[] } }; chartFile: string };
    assert.equal(card.chart.byFrequency.customers[0], 1411);
    assert.equal(card.chartFile, file);
    assert.ok(readFileSync(file, 'utf8').startsWith('<svg'));
    assert.throws(() => chartFormatOf(join(dir, 'x.png')), /\.html or \.svg/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
