import type { Database } from '../../store/duckdb/database.ts';
import { PER_CUSTOMER } from './purchaseDays.ts';
import type { RecencyFrequency, RepeatSpend } from '../../domain/models/summaries.ts';

/**
 * The calibration summaries the models are fitted on, for the customers whose first purchase is on or before the
 * calibration end $end (inclusive): (x, t_x, T) with the number of customers sharing each, and repeat customers'
 * (x, zbar), identical rows counted once with their weight. Days are exact day counts; the model's time unit is
 * the week (days / 7). The per-customer summary is built once in a temporary table, grouped twice, and read
 * column-wise (hundreds of thousands of rows: row objects would cost more than the query).
 */
const TRIPLETS = `select x, tx_days, t_days, count(*)::double as customers from model_calibration group by all`;
const SPEND = `select x, zbar, count(*)::double as customers from model_calibration where x > 0 group by all`;

export const DAYS_PER_WEEK = 7;

export interface CalibrationSummaries {
  triplets?: RecencyFrequency;
  spend?: RepeatSpend;
}

async function columns(db: Database, sql: string): Promise<Float64Array[]> {
  const reader = await db.connection.runAndReadAll(sql);
  return reader.getColumnsJS().map((c) => Float64Array.from(c as number[], Number));
}

export async function calibrationSummaries(db: Database, ws: number, end: string, want: { triplets?: boolean; spend?: boolean }): Promise<CalibrationSummaries> {
  await db.run(
    `create or replace temp table model_calibration as
     select customer_id, x::integer as x, tx_days::integer as tx_days, t_days::integer as t_days, zbar::double as zbar
     from (${PER_CUSTOMER.duckdb}) c`, { ws, end });
  try {
    const out: CalibrationSummaries = {};
    if (want.triplets) {
      const [x, txDays, tDays, weight] = await columns(db, TRIPLETS);
      out.triplets = { x, tx: txDays.map((d) => d / DAYS_PER_WEEK), T: tDays.map((d) => d / DAYS_PER_WEEK), weight };
    }
    if (want.spend) {
      const [x, zbar, weight] = await columns(db, SPEND);
      out.spend = { x, zbar, weight };
    }
    return out;
  } finally {
    await db.run('drop table if exists model_calibration');
  }
}
