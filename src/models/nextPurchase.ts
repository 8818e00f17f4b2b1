import type { App } from '../app/context.ts';
import type { BgNbdParams } from '../domain/models/bgnbd.ts';
import { fitBgNbd } from '../domain/models/bgnbd.ts';
import { latestCard, saveCard, type ModelCard } from './cards.ts';
import { calibrationEnd } from './fit.ts';
import { calibrationSummaries } from './queries/calibrationSummaries.ts';
import { PER_CUSTOMER } from './queries/purchaseDays.ts';
import { NEXT_DUE, REPLENISHMENT_BY_CATEGORY } from './queries/replenishment.ts';

export interface Replenishment { category: string; intervals: number; median_days: number; p25_days: number; p75_days: number }

export interface NextPurchaseFit {
  model: 'next-purchase';
  version: number;
  asOf: string;
  bgnbd: BgNbdParams & { source: string };
  replenishment: Replenishment[];
  customers: number;
  meanPOrder30d: number;
  card: ModelCard;
}

/**
 * Next purchase (下次购买预测), per customer, from BG/NBD (the latest card, or a fit to the as-of day if none):
 * - p_order_30d = 1 − P(no order in 30 days) = P(alive)·(1 − ((α+T)/(α+T+t))^(r+x));
 * - median_days_to_next_order: if still active, the wait is Lomax((r+x), α+T) (the Gamma posterior of the rate
 *   mixed over exponential waits), whose median is (α+T)(2^(1/(r+x)) − 1) weeks;
 * and per category the replenishment interval (median days between purchase days of the same category), with
 * each customer's first category falling due (replenishment_due_days, negative = overdue).
 */
export async function fitNextPurchase(app: App, o: { asOf?: string }): Promise<NextPurchaseFit> {
  const asOf = await calibrationEnd(app, o.asOf);
  const ws = app.workspaceId;
  const bgCard = await latestCard(app.state, ws, 'bgnbd');
  let bg: BgNbdParams & { source: string };
  if (bgCard) {
    const p = bgCard.parameters as unknown as BgNbdParams;
    bg = { r: p.r, alpha: p.alpha, a: p.a, b: p.b, source: `bgnbd v${bgCard.version}` };
  } else {
    const p = fitBgNbd((await calibrationSummaries(app.warehouse, ws, asOf, { triplets: true })).triplets!).params;
    bg = { ...p, source: `fitted to ${asOf}` };
  }
  const replenishment = (await app.warehouse.all(REPLENISHMENT_BY_CATEGORY.duckdb, { ws, asof: asOf })).map((r) => ({
    category: String(r.category), intervals: Number(r.intervals), median_days: Number(r.median_days), p25_days: Number(r.p25_days), p75_days: Number(r.p75_days),
  }));
  const card = await saveCard(app.state, ws, {
    model: 'next-purchase', calibrationEnd: asOf, dataFrom: null, dataTo: asOf, customers: 0,
    parameters: { bgnbd: bg }, metrics: { replenishment },
    notes: 'P(order within 30 days) and the median wait if still active from BG/NBD; replenishment = median days between purchase days of the same category.',
  });
  const params = {
    ws, end: asOf, asof: asOf, r: bg.r, alpha: bg.alpha, a: bg.a, bb: bg.b, version: card.version, fitted: card.fittedAt.replace('Z', ''),
    cats: JSON.stringify(replenishment.map((x) => x.category)), days: JSON.stringify(replenishment.map((x) => x.median_days)),
  };
  await app.warehouse.transaction(async () => {
    await app.warehouse.run(`delete from customer_scores where workspace_id = $ws and model = 'next-purchase'`, { ws });
    await app.warehouse.run(
      `insert into customer_scores (workspace_id, customer_id, model, score, value, label, version, fitted_at, scored_at, as_of)
       with h as (
         select customer_id, x, tx_days / 7 as tx, t_days / 7 as t from (${PER_CUSTOMER.duckdb}) c
         where customer_id in (select id from customers where workspace_id = $ws and status in ('active', 'restricted'))
       ),
       s as (
         select customer_id,
           (case when x > 0 then 1 / (1 + $a / ($bb + x - 1) * pow(($alpha + t) / ($alpha + tx), $r + x)) else 1 end)
             * (1 - pow(($alpha + t) / ($alpha + t + 30 / 7), $r + x)) as p30,
           7 * ($alpha + t) * (pow(2, 1 / ($r + x)) - 1) as median_days
         from h
       ),
       due as (${NEXT_DUE.duckdb})
       select $ws, customer_id, 'next-purchase', k.score, k.value, k.label, $version, $fitted::timestamp, current_timestamp, $asof::date
       from s left join due using (customer_id),
       lateral (values ('p_order_30d', p30, null), ('median_days_to_next_order', median_days, null),
                       ('replenishment_due_days', due.due_in_days, due.category)) k(score, value, label)
       where k.value is not null`, params);
  });
  const [r] = await app.warehouse.all<{ n: number; p: number }>(
    `select count(*)::integer as n, avg(value) as p from customer_scores where workspace_id = $ws and model = 'next-purchase' and score = 'p_order_30d'`, { ws });
  return { model: 'next-purchase', version: card.version, asOf, bgnbd: bg, replenishment, customers: Number(r.n), meanPOrder30d: Number(r.p ?? 0), card };
}
