import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import type { BgNbdParams } from '../domain/models/bgnbd.ts';
import type { GammaGammaParams } from '../domain/models/gammaGamma.ts';
import { conditionalExpectedPurchases, probabilityAlive } from '../domain/models/bgnbdExpectations.ts';
import { latestCard, type ModelCard } from './cards.ts';
import { calibrationEnd } from './fit.ts';
import { PER_CUSTOMER } from './queries/purchaseDays.ts';

export interface ClvScoring {
  asOf: string;
  customers: number;
  distinctHistories: number;
  bgnbdVersion: number;
  gammaGammaVersion: number;
  horizonMonths: number;
  discountRate: number;
  totalClv: number;
  meanPAlive: number;
  totalExpectedPurchases: number;
}

const WEEKS_PER_MONTH = 365.25 / 12 / 7;

async function needCard(app: App, model: string): Promise<ModelCard> {
  const c = await latestCard(app.state, app.workspaceId, model);
  if (!c) throw new UserError('model_not_fitted', `Model '${model}' has not been fitted yet: run 'siyu model fit ${model}'.`, `模型 '${model}' 尚未拟合，请先运行 'siyu model fit ${model}'。`, 404);
  return c;
}

/**
 * Scores every customer with the latest BG/NBD and Gamma-Gamma cards (客户价值评分): P(alive), expected purchase
 * days in the next 30 days and over the horizon, expected spend per purchase, and the discounted CLV. The
 * expressions are evaluated once per distinct history (x, t_x, T) in JS and joined back to customers in SQL. Only
 * customers the consent policy permits for analytics are scored (docs/privacy.md, "What each purpose governs").
 */
export async function scoreClv(app: App, o: { asOf?: string; horizonMonths: number; discountRate: number }): Promise<ClvScoring> {
  const bgCard = await needCard(app, 'bgnbd');
  const ggCard = await needCard(app, 'gamma-gamma');
  const bg = bgCard.parameters as unknown as BgNbdParams;
  const gg = ggCard.parameters as unknown as GammaGammaParams;
  const asOf = await calibrationEnd(app, o.asOf);
  const ws = app.workspaceId;
  const db = app.warehouse;
  const monthlyRate = Math.pow(1 + o.discountRate, 1 / 12) - 1;
  await db.run(`create or replace temp table model_histories as ${PER_CUSTOMER.duckdb}`, { ws, end: asOf });
  const histories = await db.all<{ x: number; tx_days: number; t_days: number }>('select distinct x, tx_days, t_days from model_histories');
  await db.run('create or replace temp table model_history_scores (x integer, tx_days integer, t_days integer, p_alive double, e30 double, eh double, discounted double)');
  const appender = await db.appender('model_history_scores', { temp: true });
  for (const r of histories) {
    const h = { x: Number(r.x), tx: Number(r.tx_days) / 7, T: Number(r.t_days) / 7 };
    let prev = 0;
    let discounted = 0;
    for (let m = 1; m <= o.horizonMonths; m++) {
      const cum = conditionalExpectedPurchases(bg, h, m * WEEKS_PER_MONTH);
      discounted += (cum - prev) / Math.pow(1 + monthlyRate, m);
      prev = cum;
    }
    appender.appendInteger(h.x); appender.appendInteger(Number(r.tx_days)); appender.appendInteger(Number(r.t_days));
    appender.appendDouble(probabilityAlive(bg, h));
    appender.appendDouble(conditionalExpectedPurchases(bg, h, 30 / 7));
    appender.appendDouble(prev);
    appender.appendDouble(discounted);
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
  const fittedAt = bgCard.fittedAt.replace('Z', '');
  const params = { ws, p: gg.p, q: gg.q, g: gg.gamma, version: bgCard.version, fitted: fittedAt, asOf };
  await app.warehouse.transaction(async () => {
    await db.run(`delete from customer_scores where workspace_id = $ws and model = 'clv'`, { ws });
    await db.run(
      `insert into customer_scores (workspace_id, customer_id, model, score, value, label, version, fitted_at, scored_at, as_of)
       with s as (
         select h.customer_id, t.p_alive, t.e30, t.eh,
           -- Gamma-Gamma E[M | x, zbar] (Fader & Hardie 2013 eq. 5); the population mean when x = 0
           $p * ($g + h.x * h.zbar) / ($p * h.x + $q - 1) as spend, t.discounted
         from model_histories h join model_history_scores t using (x, tx_days, t_days)
         where h.customer_id in (select customer_id from permitted_customers($ws, 'analytics'))
       )
       select $ws, customer_id, 'clv', k.score, k.value, null, $version, $fitted::timestamp, current_timestamp, $asOf::date
       from s, lateral (values ('p_alive', p_alive), ('expected_purchases_30d', e30), ('expected_purchases', eh),
                                ('expected_spend', spend), ('clv', spend * discounted)) k(score, value)`, params);
  });
  const [sum] = await db.all<{ n: number; clv: number; palive: number; eh: number }>(
    `select count(*) filter (where score = 'clv') as n, sum(value) filter (where score = 'clv') as clv,
       avg(value) filter (where score = 'p_alive') as palive, sum(value) filter (where score = 'expected_purchases') as eh
     from customer_scores where workspace_id = $ws and model = 'clv'`, { ws });
  await db.run('drop table if exists model_histories; drop table if exists model_history_scores');
  return {
    asOf, customers: Number(sum.n), distinctHistories: histories.length, bgnbdVersion: bgCard.version, gammaGammaVersion: ggCard.version,
    horizonMonths: o.horizonMonths, discountRate: o.discountRate, totalClv: Number(sum.clv ?? 0), meanPAlive: Number(sum.palive ?? 0),
    totalExpectedPurchases: Number(sum.eh ?? 0),
  };
}
