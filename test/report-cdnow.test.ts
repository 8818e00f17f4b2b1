// The report on a real log with nothing but orders: the CDNOW master (23,570 customers, 1997-01 … 1998-06) imported
// with docs/examples/cdnow-orders.json. The report must be coherent and claim nothing the data lacks: no portrait,
// community or campaign chapter, no consent-based reach, no zero-filled charts of data that does not exist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { buildReport } from '../src/report/build.ts';
import { renderMarkdown } from '../src/report/render/markdown.ts';
import type { Report } from '../src/report/model.ts';

const root = join(import.meta.dirname, '..');
const sample = join(root, '..', 'shared', 'datasets', 'cdnow', 'CDNOW_master.txt');
const skip = existsSync(sample) ? false : `dataset absent: ${sample}`;
let dir: string;
let app: App;
let report: Report;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'siyu-report-cdnow-'));
  const r = spawnSync(process.execPath, [join(root, 'bin', 'siyu.mjs'), 'import', 'orders', sample, '--map', 'docs/examples/cdnow-orders.json'],
    { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8', cwd: root });
  assert.equal(r.status, 0, r.stderr);
  app = await openApp({ dir });
  report = await buildReport(app);
});
after(() => {
  app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the period is the last complete month, June 1998', { skip }, () => {
  assert.deepEqual(report.window, { from: '1998-06-01', to: '1998-06-30' });
});

test('chapters with data are there; those without are left out with the reason said', { skip }, () => {
  const keys = report.chapters.map((c) => c.key);
  for (const k of ['summary', 'lifecycle', 'rfm', 'clv', 'compliance']) assert.ok(keys.includes(k as never), `${k} missing`);
  const omitted = report.omitted.map((o) => o.key);
  for (const k of ['portrait', 'community', 'campaigns']) assert.ok(omitted.includes(k as never), `${k} should be left out`);
  for (const o of report.omitted) assert.ok(o.reason.zh.length > 5 && o.reason.en.length > 5);
});

test('nothing pretends: no chart is all zeros, and reach without consent is said to be none', { skip }, () => {
  const charts = report.chapters.flatMap((c) => [...c.charts, ...c.findings.flatMap((f) => (f.chart ? [f.chart] : []))]);
  for (const c of charts) assert.ok(c.series.some((s) => s.data.some((v) => v !== null && v !== 0)), `chart ${c.id} is all zeros`);
  for (const r of report.recommendations) {
    assert.deepEqual(r.channels, [], 'CDNOW has no consents: no channel may be claimed');
    assert.equal(r.expectedYuan, 0);
    assert.match(r.action.en, /consent/);
  }
  const md = renderMarkdown(report, 'en');
  assert.match(md, /## Chapters left out/);
  assert.doesNotMatch(md, /NaN|undefined|Infinity/);
});
