import type { App } from '../app/context.ts';
import { sqlFor } from '../store/interfaces.ts';
import type { BgNbdParams } from '../domain/models/bgnbd.ts';
import { conditionalExpectedPurchases, expectedPurchases } from '../domain/models/bgnbdExpectations.ts';
import { COHORT_FIRST_DAYS, HOLDOUT_BY_HISTORY, WEEKLY_REPEATS } from './queries/holdout.ts';

export interface FrequencyBucket { x: string; customers: number; actual: number; predicted: number }
export interface WeekPoint { week: number; actual: number; predicted: number; actualCumulative: number; predictedCumulative: number; holdout: boolean }

export interface HoldoutEvaluation {
  calibrationEnd: string;
  holdoutEnd: string | null;
  holdoutWeeks: number;
  firstOrderDay: string | null;
  lastOrderDay: string | null;
  /** Repeat purchase days in the holdout: actual vs BG/NBD conditional expectation, per calibration frequency. */
  byFrequency: FrequencyBucket[];
  /** Weekly repeat purchase days of the calibration cohort, actual vs E[X(t)] summed over the cohort. */
  weekly: WeekPoint[];
  totalActual: number;
  totalPredicted: number;
}

const DAY = 86_400_000;
const TOP_BUCKET = 7;

/** Compares the fitted model with what the customers did after the calibration end (FHL 2005 §5, figs 2–4). */
export async function holdoutEvaluation(app: App, p: BgNbdParams, end: string): Promise<HoldoutEvaluation> {
  const w = app.warehouse;
  const ws = app.workspaceId;
  const [span] = await w.all<{ first: string | null; last: string | null }>(
    `select min(order_date)::varchar as first, max(order_date)::varchar as last from orders where workspace_id = $ws and customer_id is not null`, { ws });
  const out: HoldoutEvaluation = {
    calibrationEnd: end, holdoutEnd: null, holdoutWeeks: 0, firstOrderDay: span?.first ?? null, lastOrderDay: span?.last ?? null,
    byFrequency: [], weekly: [], totalActual: 0, totalPredicted: 0,
  };
  if (!span?.first || !span.last || span.last <= end) return out;
  const hend = span.last;
  const holdoutDays = (Date.parse(hend) - Date.parse(end)) / DAY;
  out.holdoutEnd = hend;
  out.holdoutWeeks = holdoutDays / 7;

  const rows = await w.all<{ x: number; tx_days: number; t_days: number; customers: number; holdout_days: number }>(
    sqlFor(w.dialect, HOLDOUT_BY_HISTORY, 'holdoutByHistory'), { ws, end, hend });
  const buckets = new Map<number, FrequencyBucket>();
  for (const r of rows) {
    const x = Number(r.x);
    const key = Math.min(x, TOP_BUCKET);
    const b = buckets.get(key) ?? { x: key === TOP_BUCKET ? `${TOP_BUCKET}+` : String(key), customers: 0, actual: 0, predicted: 0 };
    const n = Number(r.customers);
    b.customers += n;
    b.actual += Number(r.holdout_days);
    b.predicted += n * conditionalExpectedPurchases(p, { x, tx: Number(r.tx_days) / 7, T: Number(r.t_days) / 7 }, out.holdoutWeeks);
    buckets.set(key, b);
  }
  out.byFrequency = [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, b]) => ({ ...b, actual: b.actual / b.customers, predicted: b.predicted / b.customers }));
  for (const b of buckets.values()) { out.totalActual += b.actual; out.totalPredicted += b.predicted; }

  const start = span.first;
  const weeks = await w.all<{ week: number; repeats: number }>(sqlFor(w.dialect, WEEKLY_REPEATS, 'weeklyRepeats'), { ws, start, end, hend });
  const cohort = await w.all<{ day: number; customers: number }>(sqlFor(w.dialect, COHORT_FIRST_DAYS, 'cohortFirstDays'), { ws, start, end });
  const lastWeek = Math.floor((Date.parse(hend) - Date.parse(start)) / DAY / 7);
  const endDay = (Date.parse(end) - Date.parse(start)) / DAY;
  const actualByWeek = new Map(weeks.map((r) => [Number(r.week), Number(r.repeats)]));
  // Cumulative expected repeats by the end of week k: Σ over first-purchase days s of n_s · E[X(t_k − s)].
  const cumPredicted = (k: number) => {
    const t = (k + 1) * 7 - 1; // the last day of week k, days counted from start
    let sum = 0;
    for (const c of cohort) if (t > Number(c.day)) sum += Number(c.customers) * expectedPurchases(p, (t - Number(c.day)) / 7);
    return sum;
  };
  let accActual = 0;
  let prevPred = 0;
  for (let k = 0; k <= lastWeek; k++) {
    const actual = actualByWeek.get(k) ?? 0;
    accActual += actual;
    const pred = cumPredicted(k);
    out.weekly.push({ week: k + 1, actual, predicted: pred - prevPred, actualCumulative: accActual, predictedCumulative: pred, holdout: k * 7 > endDay });
    prevPred = pred;
  }
  return out;
}
