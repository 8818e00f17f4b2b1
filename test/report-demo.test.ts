// The report on the demo brand (siyu demo, 5,000 people, seed 3 — the acceptance check's brand): the three planted
// effects — the group (社群) lift, the dormant high-value group and the win-back campaign's uplift against its
// random holdout — are found and ranked among the top findings, each with a quantified recommendation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../src/app/context.ts';
import { generateDemo } from '../src/demo/generate.ts';
import { loadDemo } from '../src/demo/load.ts';
import { buildReport } from '../src/report/build.ts';
import type { Report } from '../src/report/model.ts';

let root: string;
let app: App;
let report: Report;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'siyu-report-demo-'));
  await generateDemo({ customers: 5000, seed: 3, out: join(root, 'files') });
  app = await openApp({ dir: join(root, 'store') });
  await loadDemo(app, join(root, 'files'));
  report = await buildReport(app);
});
after(() => {
  app?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const TOP = 6;

test(`the planted effects are among the top ${TOP} findings, each with evidence and a significance test where a difference is claimed`, () => {
  const top = report.ranked.slice(0, TOP);
  const ids = top.map((f) => f.id).join(', ');
  const community = top.find((f) => f.tags?.includes('community_lift'));
  const dormant = top.find((f) => f.tags?.includes('dormant_high_value'));
  const campaign = top.find((f) => f.tags?.includes('campaign_uplift'));
  assert.ok(community, `community lift not in the top ${TOP}: ${ids}`);
  assert.ok(dormant, `dormant high-value not in the top ${TOP}: ${ids}`);
  assert.ok(campaign, `campaign uplift not in the top ${TOP}: ${ids}`);
  assert.ok(community.significance && community.significance.pValue < 0.05 && community.significance.p1 > community.significance.p2);
  assert.ok(campaign.significance && campaign.significance.pValue < 0.05 && campaign.significance.p1 > campaign.significance.p2);
  for (const f of [community, dormant, campaign]) assert.ok(f.chart, `${f.id} has no chart`);
});

test('the campaign finding compares the win-back treatment with its holdout (about 20% of the members)', () => {
  const f = report.ranked.find((x) => x.tags?.includes('campaign_uplift'))!;
  const s = f.significance!;
  const share = s.n2 / (s.n1 + s.n2);
  assert.ok(share > 0.15 && share < 0.25, `holdout share ${share}`);
});

test('each recommendation is quantified: audience, expected yuan with its assumption, consent channels, a segment', () => {
  const ids = report.recommendations.map((r) => r.id);
  for (const id of ['winback-dormant-high-value', 'invite-to-community', 'winback-rollout']) assert.ok(ids.includes(id), `${id} missing: ${ids.join(', ')}`);
  for (const r of report.recommendations) {
    assert.ok(r.audience > 0 && r.expectedYuan > 0, r.id);
    assert.ok(r.channels.length > 0 && r.channels.every((c) => c.reachable <= r.audience), r.id);
    assert.match(r.assumption.zh, /×/);
    assert.match(r.segment.link, /^\/api\/v1\/insight\/kpi\?segment=report%3A/);
  }
});

test('no chapter is left out on the demo brand', () => {
  assert.deepEqual(report.omitted, []);
});
