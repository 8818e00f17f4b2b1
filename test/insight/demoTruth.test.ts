import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../../src/app/context.ts';
import { generateDemo } from '../../src/demo/generate.ts';
import { loadDemo } from '../../src/demo/load.ts';
import { campaignUplift, communityLift, funnel, series } from '../../src/insight/index.ts';

/**
 * On the demo brand (src/demo, 2,500 customers, seed 7), the insight functions recover what the generator planted
 * (truth.json), within the tolerances stated per check. The demo is loaded through the real importer once.
 */
const CUSTOMERS = 2500;
let app: App | undefined;
let truth: any;
let dir = '';
let broken: string | undefined;

async function demo(): Promise<App | undefined> {
  if (app || broken) return app;
  dir = mkdtempSync(join(tmpdir(), 'siyu-insight-demo-'));
  try {
    const g = await generateDemo({ customers: CUSTOMERS, seed: 7, out: join(dir, 'files') });
    truth = g.truth;
    const opened = await openApp({ dir: join(dir, 'store') });
    try {
      await loadDemo(opened, join(dir, 'files'));
    } catch (e) {
      opened.close();
      throw e;
    }
    app = opened;
  } catch (e) {
    broken = String((e as Error).message ?? e).split('\n')[0];
  }
  return app;
}

test.after(() => {
  app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const near = (got: number | null | undefined, want: number, tol: number, what: string) =>
  assert.ok(got !== null && got !== undefined && Math.abs(got - want) <= tol, `${what}: got ${got}, planted/true ${want} (±${tol})`);

test('demo: group members repurchase more — rates within ±0.03 of truth.json, lift within ±0.15', async (t) => {
  const a = await demo();
  if (!a) return t.skip(`the demo does not load yet: ${broken}`);
  const c = await communityLift(a, { days: 90, graceDays: 3 });
  const want = truth.groups.repurchase_90d;
  near(c.repurchase.members.rate, want.members.rate, 0.03, 'members 90-day repurchase');
  near(c.repurchase.non_members.rate, want.non_members.rate, 0.03, 'non-members 90-day repurchase');
  near(c.repurchase.lift, want.lift, 0.15, 'lift');
  assert.ok(c.repurchase.lift! > 1);
});

test('demo: session funnel view → cart → order within ±0.02 of the planted rates', async (t) => {
  const a = await demo();
  if (!a) return t.skip(`the demo does not load yet: ${broken}`);
  const f = await funnel(a, { unit: 'session' });
  near(f.rows[0].step_rates[1], truth.funnel.view_to_cart, 0.02, 'view → cart');
  near(f.rows[0].step_rates[2], truth.funnel.cart_to_order, 0.02, 'cart → order');
});

test('demo: the win-back campaign uplift over its holdout within ±0.02 of truth.json', async (t) => {
  const a = await demo();
  if (!a) return t.skip(`the demo does not load yet: ${broken}`);
  const [c] = (await campaignUplift(a, { campaign: truth.winback.campaign_id, windowDays: 30 })).campaigns;
  near(c.treatment?.rate, truth.winback.treatment.rate, 0.02, 'treatment conversion');
  near(c.holdout?.rate, truth.winback.holdout.rate, 0.02, 'holdout conversion');
  near(c.uplift?.absolute, truth.winback.uplift, 0.02, 'uplift');
});

test('demo: seasonality — 双11 (11-11) is the busiest day, and 1–18 June runs above the average day', async (t) => {
  const a = await demo();
  if (!a) return t.skip(`the demo does not load yet: ${broken}`);
  const days = (await series(a, { unit: 'day' })).points;
  const top = [...days].sort((x, y) => y.orders - x.orders)[0];
  assert.match(top.period, /-11-11$/, `busiest day ${top.period}`);
  const mean = days.reduce((s, d) => s + d.orders, 0) / days.length;
  const june = days.filter((d) => /-06-(0[1-9]|1[0-8])$/.test(d.period));
  assert.ok(june.reduce((s, d) => s + d.orders, 0) / june.length > mean, '618 season above the mean day');
});
