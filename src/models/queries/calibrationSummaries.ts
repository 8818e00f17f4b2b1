import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';
import { PER_CUSTOMER } from './purchaseDays.ts';
import { recencyFrequency, repeatSpend, type RecencyFrequency, type RepeatSpend } from '../../domain/models/summaries.ts';

/**
 * (x, t_x, T) with the number of customers sharing each, for the customers whose first purchase is on or before
 * the calibration end $end (inclusive). Days are exact day counts; the model's time unit is the week (days / 7).
 */
const TRIPLETS = {
  duckdb: `select x, tx_days, t_days, count(*) as customers from (${PER_CUSTOMER.duckdb}) c group by all`,
  clickhouse: `select x, tx_days, t_days, count() as customers from (${PER_CUSTOMER.clickhouse}) c group by x, tx_days, t_days`,
};

/** Repeat customers' (x, zbar), identical rows counted once with their weight. */
const SPEND = {
  duckdb: `select x, zbar, count(*) as customers from (${PER_CUSTOMER.duckdb}) c where x > 0 group by all`,
  clickhouse: `select x, zbar, count() as customers from (${PER_CUSTOMER.clickhouse}) c where x > 0 group by x, zbar`,
};

export const DAYS_PER_WEEK = 7;

export async function calibrationTriplets(w: Warehouse, ws: number, end: string): Promise<RecencyFrequency> {
  const rows = await w.all<{ x: number; tx_days: number; t_days: number; customers: number }>(sqlFor(w.dialect, TRIPLETS, 'calibrationTriplets'), { ws, end });
  return recencyFrequency(rows.map((r) => ({
    x: Number(r.x), tx: Number(r.tx_days) / DAYS_PER_WEEK, T: Number(r.t_days) / DAYS_PER_WEEK, weight: Number(r.customers),
  })));
}

export async function calibrationSpend(w: Warehouse, ws: number, end: string): Promise<RepeatSpend> {
  const rows = await w.all<{ x: number; zbar: number; customers: number }>(sqlFor(w.dialect, SPEND, 'calibrationSpend'), { ws, end });
  return repeatSpend(rows.map((r) => ({ x: Number(r.x), zbar: Number(r.zbar), weight: Number(r.customers) })));
}
