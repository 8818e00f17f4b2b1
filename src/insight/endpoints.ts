import type { App } from '../app/context.ts';
import type { InsightFilters } from './filters.ts';
import { kpis } from './kpis.ts';
import { cohorts, type CohortPeriod } from './cohorts.ts';
import { rfm } from './rfm.ts';
import { lifecycle } from './lifecycle.ts';
import { tiers } from './tiers.ts';
import { listTags } from './tags.ts';

export type Query = Record<string, string | number | undefined>;
export const num = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));
export const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** An option of an insight question: a query-string field for the API, `--kebab-name` for the CLI. */
export interface EndpointOption {
  type: 'string' | 'number' | 'integer';
  description: string;
  enum?: string[];
  default?: string | number;
  format?: 'date';
}

/**
 * One insight question, exposed the same way as `siyu insight <name>` and `GET /api/v1/insight/<name>`: its
 * options (JSON schema → OpenAPI, and CLI flags) and the function answering it.
 */
export interface InsightEndpoint {
  name: string;
  summary: string;
  /** False when the dimension / date filters do not apply. */
  filters?: false;
  options: Record<string, EndpointOption>;
  response?: object;
  run(app: App, filters: InsightFilters, q: Query): Promise<unknown>;
}

const kpiProps = Object.fromEntries(['customers', 'orders', 'gmv', 'aov', 'repurchase_rate', 'net_revenue', 'churn_rate'].map((k) => [k, { type: ['number', 'null'] }]));
const day = (description: string): EndpointOption => ({ type: 'string', format: 'date', description });
const n = (description: string): EndpointOption => ({ type: 'number', description });

export const INSIGHT_ENDPOINTS: InsightEndpoint[] = [
  {
    name: 'kpi',
    summary: 'Core KPIs with previous-period (环比) and last-year (同比) comparisons (核心指标)',
    options: { attribution_days: { type: 'integer', description: 'days after a message or read in which an order converts', default: 7 } },
    response: { type: 'object', additionalProperties: true, properties: kpiProps },
    run: (app, f, q) => kpis(app, f, { attributionDays: num(q.attribution_days) }),
  },
  {
    name: 'cohort',
    summary: 'Cohort retention by first-order period (同期群留存)',
    options: { period: { type: 'string', enum: ['week', 'month', 'quarter'], default: 'month', description: 'cohort period' } },
    run: (app, f, q) => cohorts(app, { period: (str(q.period) ?? 'month') as CohortPeriod, filters: f }),
  },
  {
    name: 'rfm',
    summary: 'RFM 1–5 scores and the 8 classic value segments (RFM 客户价值分层)',
    options: {
      as_of: day('reference date (default: the day after the last order)'),
      recency_days: n('R is high below this many days (default: the mean)'),
      frequency: n('F is high above this many orders (default: the mean)'),
      monetary: n('M is high above this spend (default: the mean)'),
    },
    run: (app, f, q) => rfm(app, { filters: f, referenceDate: str(q.as_of), thresholds: { recencyDays: num(q.recency_days), frequency: num(q.frequency), monetary: num(q.monetary) } }),
  },
  {
    name: 'lifecycle',
    summary: 'Lifecycle stages now and per month, and the month-to-month transition matrix (生命周期)',
    options: {
      as_of: day('day of the current snapshot (default: the window end)'),
      new_days: n('new: first order fewer than this many days ago (30)'),
      active_days: n('active: last order at most this many days ago (90)'),
      dormant_days: n('dormant up to this many days, churned beyond (180)'),
      loyal_order_days: n('loyal: at least this many order days in 365 days (3)'),
      return_gap_days: n('returned: last order after a gap of at least this many days (180)'),
    },
    run: (app, f, q) => lifecycle(app, {
      filters: f, asOf: str(q.as_of),
      thresholds: { newDays: num(q.new_days), activeDays: num(q.active_days), dormantDays: num(q.dormant_days), loyalOrderDays: num(q.loyal_order_days), returnGapDays: num(q.return_gap_days) },
    }),
  },
  {
    name: 'tiers',
    summary: 'Member tiers by 12-month spend / orders, with upgrades and downgrades (会员等级)',
    options: {},
    run: (app, f) => tiers(app, { filters: f }),
  },
  {
    name: 'tags',
    summary: 'Tag definitions and how many customers carry each (标签)',
    filters: false,
    options: {},
    run: (app) => listTags(app),
  },
];
