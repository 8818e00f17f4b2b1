import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { checkFilters, filterParams, type InsightFilters } from './filters.ts';
import { cohortCells } from './queries/cohortRetention.ts';
import { refreshAggregates } from './aggregates.ts';

export type CohortPeriod = 'week' | 'month' | 'quarter';
export const COHORT_PERIODS: CohortPeriod[] = ['week', 'month', 'quarter'];

export interface Cohort {
  /** YYYY-MM for months, YYYY-Qn for quarters, the Monday YYYY-MM-DD for weeks. */
  cohort: string;
  size: number;
  /** Customers of the cohort ordering k periods after their first, for k = 0 … up to the last period with data. */
  customers: number[];
  /** customers[k] ÷ size; retention[0] = 1. */
  retention: number[];
}

export interface CohortReport {
  period: CohortPeriod;
  filters: InsightFilters;
  cohorts: Cohort[];
}

function label(start: string, period: CohortPeriod): string {
  if (period === 'month') return start.slice(0, 7);
  if (period === 'quarter') return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
  return start;
}

function periodsBetween(a: string, b: string, period: CohortPeriod): number {
  const months = (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7));
  if (period === 'month') return months;
  if (period === 'quarter') return Math.floor(months / 3);
  return Math.round((Date.parse(b) - Date.parse(a)) / (7 * 86_400_000));
}

/** 同期群留存: cohorts by first-order period with the share of each ordering in every later period. */
export async function cohorts(app: App, opts: { period?: CohortPeriod; filters?: InsightFilters; refresh?: boolean } = {}): Promise<CohortReport> {
  const period = opts.period ?? 'month';
  if (!COHORT_PERIODS.includes(period)) throw new UserError('bad_period', `--period must be one of ${COHORT_PERIODS.join(', ')}.`, `--period 必须是 ${COHORT_PERIODS.join('、')} 之一。`);
  const f = checkFilters(opts.filters ?? {});
  if (opts.refresh !== false) await refreshAggregates(app);
  const p = filterParams(f);
  const orderLevel = p.channel !== null || p.store !== null || p.staff !== null;
  const source = period === 'month' && !orderLevel ? 'aggregate' : 'orders';
  const cells = await cohortCells(app.warehouse, { ws: app.workspaceId, unit: period, from: f.from ?? null, to: f.to ?? null, ...p }, source);
  const byCohort = new Map<string, Map<number, number>>();
  for (const c of cells) {
    if (!byCohort.has(c.cohort)) byCohort.set(c.cohort, new Map());
    byCohort.get(c.cohort)!.set(c.k, c.customers);
  }
  const last = cells[0]?.last_period;
  const out: Cohort[] = [];
  for (const [start, ks] of byCohort) {
    const size = ks.get(0) ?? 0;
    const span = Math.max(periodsBetween(start, last ?? start, period), ...ks.keys());
    const customers = Array.from({ length: span + 1 }, (_, k) => ks.get(k) ?? 0);
    out.push({ cohort: label(start, period), size, customers, retention: customers.map((n) => (size ? n / size : 0)) });
  }
  return { period, filters: f, cohorts: out };
}
