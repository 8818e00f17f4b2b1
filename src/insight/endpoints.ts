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
import type { EndpointOption, Query } from './options.ts';
import { hasLookup, resolveCustomer, type CustomerLookup } from './customers.ts';

export type { EndpointOption, Query } from './options.ts';
export const num = (v: unknown) => (v === undefined || v === '' ? undefined : Number(v));
export const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

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
/** A whole number of days (or hours, rows …) from `min` to `max`. */
const whole = (description: string, min: number, max: number, dflt?: number): EndpointOption => ({ type: 'integer', description, minimum: min, maximum: max, ...(dflt === undefined ? {} : { default: dflt }) });
const amount = (description: string, max: number): EndpointOption => ({ type: 'number', description, minimum: 0, maximum: max });
const text = (description: string, maxLength = 200): EndpointOption => ({ type: 'string', description, maxLength });
const DAYS = 3650;

export const INSIGHT_ENDPOINTS: InsightEndpoint[] = [
  {
    name: 'kpi',
    summary: 'Core KPIs with previous-period (环比) and last-year (同比) comparisons (核心指标)',
    options: { attribution_days: whole('days after a message or read in which an order converts', 0, 365, 7) },
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
      recency_days: amount('R is high below this many days (default: the mean)', 36_500),
      frequency: amount('F is high above this many orders (default: the mean)', 1e6),
      monetary: amount('M is high above this spend (default: the mean)', 1e12),
    },
    run: (app, f, q) => rfm(app, { filters: f, referenceDate: str(q.as_of), thresholds: { recencyDays: num(q.recency_days), frequency: num(q.frequency), monetary: num(q.monetary) } }),
  },
  {
    name: 'lifecycle',
    summary: 'Lifecycle stages now and per month, and the month-to-month transition matrix (生命周期)',
    options: {
      as_of: day('day of the current snapshot (default: the window end)'),
      new_days: whole('new: first order fewer than this many days ago (30)', 1, DAYS),
      active_days: whole('active: last order at most this many days ago (90)', 1, DAYS),
      dormant_days: whole('dormant up to this many days, churned beyond (180)', 1, DAYS),
      loyal_order_days: whole('loyal: at least this many order days in 365 days (3)', 1, 366),
      return_gap_days: whole('returned: last order after a gap of at least this many days (180)', 1, DAYS),
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
    response: { type: 'array', items: { type: 'object', additionalProperties: true } },
    run: (app) => listTags(app),
  },
  {
    name: 'funnel',
    summary: 'Ordered funnel with a time window and a breakdown (转化漏斗)',
    options: {
      steps: { type: 'string', description: 'event types in order, comma-separated', default: 'product_view,add_to_cart,order', maxLength: 500 },
      unit: { type: 'string', enum: ['session', 'customer'], default: 'session', description: 'what moves through the funnel' },
      window_hours: whole('hours from the first step (24 per session, 720 per customer)', 1, 8784),
      breakdown: { type: 'string', enum: ['none', 'channel', 'source', 'city', 'gender', 'acquisition_channel'], default: 'none', description: 'split by' },
    },
    run: (app, f, q) => funnel(app, { filters: f, steps: str(q.steps)?.split(',').map((x) => x.trim()).filter(Boolean), unit: str(q.unit) as FunnelUnit | undefined, windowHours: num(q.window_hours), breakdown: str(q.breakdown) as Breakdown | undefined }),
  },
  {
    name: 'behaviour',
    summary: 'Hour × weekday heat map, inter-purchase times, first → second order, top paths, co-purchases (行为分析)',
    options: { limit: whole('rows of top paths and co-purchases', 1, 1000, 20) },
    run: (app, f, q) => behaviour(app, { filters: f, limit: num(q.limit) }),
  },
  {
    name: 'community',
    summary: 'Group members vs others: repurchase lift, GMV, group health, join → first order (社群分析)',
    options: { days: whole('repurchase horizon after the first order (90)', 1, DAYS), grace_days: whole('member = joined within this many days after the first order (3)', 0, 365) },
    run: (app, f, q) => communityLift(app, { filters: f, days: num(q.days), graceDays: num(q.grace_days) }),
  },
  {
    name: 'campaigns',
    summary: 'Treatment vs holdout conversion and uplift per campaign (活动增量)',
    filters: false,
    options: { campaign: text('one campaign id'), window_days: whole('days from the start in which an order converts (default: the campaign length)', 1, DAYS) },
    run: (app, _f, q) => campaignUplift(app, { campaign: str(q.campaign), windowDays: num(q.window_days) }),
  },
  {
    name: 'channels',
    summary: 'Channel contribution: first-touch, last-touch and linear attribution (渠道归因)',
    options: { lookback_days: whole('days before an order in which touches count (30)', 1, 365) },
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
    options: { attribution_days: whole('days after a read in which an order is attributed', 0, 365, 7) },
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
    options: {
      id: whole('customer id', 1, Number.MAX_SAFE_INTEGER),
      phone: text('or: the phone number (normalised as imports are, looked up by its keyed hash)', 64),
      member_no: text('or: the member number', 128),
      email: text('or: the e-mail address', 254),
      unionid: text('or: the WeChat unionid', 128),
      openid: text('or: the WeChat openid (with app)', 128),
      app: text("the openid's mini-program / official-account app id (default: any app)", 128),
      external_userid: text('or: the WeCom external_userid (with corp)', 128),
      corp: text("the external_userid's WeCom corp id (default: any corp)", 128),
      timeline: whole('timeline entries', 0, 1000, 50),
    },
    run: async (app, _f, q) => {
      const by = Object.fromEntries(['phone', 'member_no', 'email', 'unionid', 'openid', 'app', 'external_userid', 'corp'].map((k) => [k, str(q[k])])) as CustomerLookup;
      if (q.id === undefined && !hasLookup(by)) throw new UserError('no_customer_id', '--id (the customer id), or --phone, --member-no, --email, --unionid, --openid or --external-userid, is required.', '需要 --id（客户 ID），或 --phone、--member-no、--email、--unionid、--openid、--external-userid 之一。');
      const id = q.id !== undefined ? Number(q.id) : await resolveCustomer(app, by);
      return customerPortrait(app, id, { timeline: num(q.timeline) });
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
