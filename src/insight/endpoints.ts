import type { App } from '../app/context.ts';
import type { InsightFilters } from './filters.ts';
import { kpis } from './kpis.ts';
import { cohorts, type CohortPeriod } from './cohorts.ts';
import { rfm } from './rfm.ts';

type Query = Record<string, string | number | undefined>;
const num = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** One insight question exposed over HTTP: its name, options (JSON schema, OpenAPI) and the function answering it. */
export interface InsightEndpoint {
  name: string;
  summary: string;
  filters?: false;
  options: Record<string, object>;
  response?: object;
  run(app: App, filters: InsightFilters, q: Query): Promise<unknown>;
}

const kpiProps = Object.fromEntries(['customers', 'orders', 'gmv', 'aov', 'repurchase_rate', 'net_revenue', 'churn_rate'].map((k) => [k, { type: ['number', 'null'] }]));

export const INSIGHT_ENDPOINTS: InsightEndpoint[] = [
  {
    name: 'kpi',
    summary: 'Core KPIs with previous-period (环比) and last-year (同比) comparisons (核心指标)',
    options: { attribution_days: { type: 'integer', minimum: 0, maximum: 90, default: 7 } },
    response: { type: 'object', additionalProperties: true, properties: kpiProps },
    run: (app, f, q) => kpis(app, f, { attributionDays: num(q.attribution_days) }),
  },
  {
    name: 'cohort',
    summary: 'Cohort retention by first-order period (同期群留存)',
    options: { period: { type: 'string', enum: ['week', 'month', 'quarter'], default: 'month' } },
    run: (app, f, q) => cohorts(app, { period: (str(q.period) ?? 'month') as CohortPeriod, filters: f }),
  },
  {
    name: 'rfm',
    summary: 'RFM 1–5 scores and the 8 classic value segments (RFM 客户价值分层)',
    options: {
      as_of: { type: 'string', format: 'date' },
      recency_days: { type: 'number' }, frequency: { type: 'number' }, monetary: { type: 'number' },
    },
    run: (app, f, q) => rfm(app, { filters: f, referenceDate: str(q.as_of), thresholds: { recencyDays: num(q.recency_days), frequency: num(q.frequency), monetary: num(q.monetary) } }),
  },
];
