import type { App } from '../app/context.ts';
import { assertKnownSegment, type InsightFilters } from './filters.ts';
import { kpis } from './kpis.ts';
import { cohorts, type CohortPeriod } from './cohorts.ts';
import { rfm } from './rfm.ts';
import { refreshAggregates } from './aggregates.ts';
import { lifecycle } from './lifecycle.ts';
import { tiers } from './tiers.ts';
import { listTags } from './tags.ts';
import { behaviour, funnel } from './behaviour.ts';
import type { Breakdown, FunnelUnit } from './queries/funnelSteps.ts';
import { campaignUplift, channelContribution, communityLift, contentScorecard, staffScorecard } from './engagement.ts';
import { customerPortrait, populationPortraits } from './portraits.ts';
import { UserError } from '../errors.ts';
import { series, type SeriesUnit } from './series.ts';

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
      p_alive: { type: 'string', enum: ['off', 'on'], default: 'off', description: "use a model's P(alive) for dormant / churned at the as-of day" },
    },
    run: (app, f, q) => lifecycle(app, {
      filters: f, asOf: str(q.as_of), usePAlive: str(q.p_alive) === 'on',
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
  {
    name: 'funnel',
    summary: 'Ordered funnel with a time window and a breakdown (转化漏斗)',
    options: {
      steps: { type: 'string', description: 'event types in order, comma-separated', default: 'product_view,add_to_cart,order' },
      unit: { type: 'string', enum: ['session', 'customer'], default: 'session', description: 'what moves through the funnel' },
      window_hours: { type: 'integer', description: 'hours from the first step (24 per session, 720 per customer)' },
      breakdown: { type: 'string', enum: ['none', 'channel', 'source', 'city', 'gender', 'acquisition_channel'], default: 'none', description: 'split by' },
    },
    run: (app, f, q) => funnel(app, { filters: f, steps: str(q.steps)?.split(',').map((x) => x.trim()).filter(Boolean), unit: str(q.unit) as FunnelUnit | undefined, windowHours: num(q.window_hours), breakdown: str(q.breakdown) as Breakdown | undefined }),
  },
  {
    name: 'behaviour',
    summary: 'Hour × weekday heat map, inter-purchase times, first → second order, top paths, co-purchases (行为分析)',
    options: { limit: { type: 'integer', description: 'rows of top paths and co-purchases', default: 20 } },
    run: (app, f, q) => behaviour(app, { filters: f, limit: num(q.limit) }),
  },
  {
    name: 'community',
    summary: 'Group members vs others: repurchase lift, GMV, group health, join → first order (社群分析)',
    options: { days: n('repurchase horizon after the first order (90)'), grace_days: n('member = joined within this many days after the first order (3)') },
    run: (app, f, q) => communityLift(app, { filters: f, days: num(q.days), graceDays: num(q.grace_days) }),
  },
  {
    name: 'campaigns',
    summary: 'Treatment vs holdout conversion and uplift per campaign (活动增量)',
    filters: false,
    options: { campaign: { type: 'string', description: 'one campaign id' }, window_days: n('days from the start in which an order converts (default: the campaign length)') },
    run: (app, _f, q) => campaignUplift(app, { campaign: str(q.campaign), windowDays: num(q.window_days) }),
  },
  {
    name: 'channels',
    summary: 'Channel contribution: first-touch, last-touch and linear attribution (渠道归因)',
    options: { lookback_days: n('days before an order in which touches count (30)') },
    run: (app, f, q) => channelContribution(app, { filters: f, lookbackDays: num(q.lookback_days) }),
  },
  {
    name: 'staff',
    summary: 'Store-guide performance: contacts, active, GMV, repurchase (导购业绩)',
    options: {},
    run: (app, f) => staffScorecard(app, { filters: f }),
  },
  {
    name: 'content',
    summary: 'Content performance: reads, likes, shares, attributed orders (内容效果)',
    options: { attribution_days: { type: 'integer', description: 'days after a read in which an order is attributed', default: 7 } },
    run: (app, f, q) => contentScorecard(app, { filters: f, attributionDays: num(q.attribution_days) }),
  },
  {
    name: 'portrait',
    summary: 'Population portrait: gender, age band, city, tier, channel, spend band, lifecycle (人群画像)',
    options: {},
    run: (app, f) => populationPortraits(app, f),
  },
  {
    name: 'customer',
    summary: 'One customer: attributes (masked), tags, consent, scores, preferences, timeline (客户画像)',
    filters: false,
    options: { id: { type: 'integer', description: 'customer id' }, timeline: { type: 'integer', description: 'timeline entries', default: 50 } },
    run: (app, _f, q) => {
      if (q.id === undefined) throw new UserError('no_customer_id', '--id (the customer id) is required.', '需要 --id（客户 ID）。');
      return customerPortrait(app, Number(q.id), { timeline: num(q.timeline) });
    },
  },
  {
    name: 'suite',
    summary: 'KPIs, monthly cohorts and RFM in one call (the report and the benchmark use it) (核心洞察)',
    options: {},
    run: async (app, f) => {
      await refreshAggregates(app);
      return { kpi: await kpis(app, f, { refresh: false }), cohort: await cohorts(app, { period: 'month', filters: f, refresh: false }), rfm: await rfm(app, { filters: f, refresh: false }) };
    },
  },
  {
    name: 'series',
    summary: 'Orders, GMV and customers per day, week or month (趋势)',
    options: { unit: { type: 'string', enum: ['day', 'week', 'month'], default: 'month', description: 'period' } },
    run: (app, f, q) => series(app, { unit: (str(q.unit) ?? 'month') as SeriesUnit, filters: f }),
  },
];

// An unknown --segment is an error, not zeros (src/insight/filters.ts assertKnownSegment).
for (const e of INSIGHT_ENDPOINTS) {
  if (e.filters === false) continue;
  const run = e.run;
  e.run = async (app, f, q) => {
    await assertKnownSegment(app, f);
    return run(app, f, q);
  };
}
