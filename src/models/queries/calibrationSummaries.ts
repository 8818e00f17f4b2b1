import type { Warehouse } from '../../store/interfaces.ts';
import { PER_CUSTOMER } from './purchaseDays.ts';
import { refreshPurchaseSummary } from '../purchaseSummary.ts';
import type { RecencyFrequency, RepeatSpend } from '../../domain/models/summaries.ts';

/**
 * The calibration summaries the models are fitted on, for the customers whose first purchase is on or before the
 * calibration end $end (inclusive): (x, t_x, T) with the number of customers sharing each, and repeat customers'
 * (x, zbar), identical rows counted once with their weight. Days are exact day counts; the model's time unit is
 * the week (days / 7). `fromOrders` skips the summary (the benchmark times both paths).
 *
 * When $end is on or after the last order day (the usual fit, and every refit on schedule) they are grouped from
 * the maintained per-customer summary (model_customer_summary, brought up to date first); for an earlier end
 * (holdout fits, churn cut-offs) from the orders, the per-customer history built once in a temporary table.
 * Either way the grouped rows are read column-wise straight from DuckDB's vectors (hundreds of thousands of rows:
 * row objects, or even per-value conversion, would cost more than the query).
 */
const FROM_SUMMARY = `select customer_id, purchase_days - 1 as x, date_diff('day', first_day, last_day) as tx_days,
    date_diff('day', first_day, $end::date) as t_days,
    case when purchase_days > 1 then (total_value - first_day_value)::double / (purchase_days - 1) else 0 end as zbar
  from model_customer_summary where workspace_id = $ws`;
const TRIPLETS = `select x::double, tx_days::double, t_days::double, count(*)::double as customers from model_calibration group by all`;
const SPEND = `select x::double, zbar::double, count(*)::double as customers from model_calibration where x > 0 group by all`;

export const DAYS_PER_WEEK = 7;

export interface CalibrationSummaries {
  triplets?: RecencyFrequency;
  spend?: RepeatSpend;
  /** Where the per-customer histories came from. */
  source?: 'summary' | 'orders';
}

/** Reads (x, t_x, T) and (x, zbar) from a per-customer relation (`from` with x, tx_days, t_days, zbar). */
async function grouped(db: Warehouse, sql: string, params: Record<string, unknown>, want: { triplets?: boolean; spend?: boolean }, materialise: boolean): Promise<CalibrationSummaries> {
  // Grouped straight from the relation, or through a temporary table when it is costly and read twice.
  const both = materialise && Boolean(want.triplets && want.spend);
  if (both) await db.run(`create or replace temp table model_calibration as ${sql}`, params);
  const src = (q: string) => (both ? { q, p: {} } : { q: q.replace('from model_calibration', `from (${sql}) model_calibration`), p: params });
  try {
    const out: CalibrationSummaries = {};
    if (want.triplets) {
      const { q, p } = src(TRIPLETS);
      const [x, txDays, tDays, weight] = await db.doubleColumns(q, p);
      out.triplets = { x, tx: txDays.map((d) => d / DAYS_PER_WEEK), T: tDays.map((d) => d / DAYS_PER_WEEK), weight };
    }
    if (want.spend) {
      const { q, p } = src(SPEND);
      const [x, zbar, weight] = await db.doubleColumns(q, p);
      out.spend = { x, zbar, weight };
    }
    return out;
  } finally {
    if (both) await db.run('drop table if exists model_calibration');
  }
}

export async function calibrationSummaries(
  db: Warehouse, ws: number, end: string, want: { triplets?: boolean; spend?: boolean; fromOrders?: boolean },
): Promise<CalibrationSummaries> {
  const state = want.fromOrders ? null : await refreshPurchaseSummary(db, ws);
  if (state && state.lastDay !== null && end >= state.lastDay) {
    return { ...(await grouped(db, FROM_SUMMARY, { ws, end }, want, false)), source: 'summary' };
  }
  const fromOrders = `select customer_id, x::integer as x, tx_days::integer as tx_days, t_days::integer as t_days, zbar::double as zbar
     from (${PER_CUSTOMER.duckdb}) c`;
  return { ...(await grouped(db, fromOrders, { ws, end }, want, true)), source: 'orders' };
}
