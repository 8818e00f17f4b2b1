import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { RFM_SEGMENTS } from '../domain/segments/rfm.ts';
import { checkFilters, filterParams, resolveWindow, type InsightFilters } from './filters.ts';
import { refreshAggregates } from './aggregates.ts';
import { workspaceTimezone } from './timezone.ts';
import { populationPortrait } from './queries/populationPortrait.ts';
import { customerProfile } from './queries/customerPortrait.ts';
import { lifecycle } from './lifecycle.ts';
import { tiers } from './tiers.ts';
import { rfm } from './rfm.ts';
import { canUseCustomer } from '../privacy/policy.ts';
import { localInstant } from '../domain/time/instant.ts';

/** 人群画像: distributions of the customer base by gender, age band, city, tier, channel, spend band and lifecycle stage. */
export async function populationPortraits(app: App, filters: InsightFilters = {}) {
  const f = checkFilters(filters);
  await refreshAggregates(app);
  const win = await resolveWindow(app, f);
  const p = { ws: app.workspaceId, tz: await workspaceTimezone(app), to: win.to, ...filterParams(f) };
  const [dims, life, tier] = await Promise.all([populationPortrait(app.warehouse, p), lifecycle(app, { filters: f }), tiers(app, { filters: f })]);
  const dim = (k: string) => dims[k] ?? [];
  return {
    as_of: win.to,
    gender: dim('gender'), age_band: dim('age_band'), city: dim('city'), city_tier: dim('city_tier'),
    acquisition_channel: dim('acquisition_channel'), spend_band: dim('spend_band'), member_tier: dim('member_tier'),
    tier: tier.distribution.map((d) => ({ value: d.name, customers: d.customers })),
    lifecycle_stage: life.stages.map((s) => ({ value: s.key, name: s.name, customers: s.customers })),
  };
}

/**
 * 客户画像: one customer, masked identifiers only, times in the workspace's zone with their offset. A customer
 * analytics may not look at (the one policy, `canUseCustomer(…, 'analytics', …)`: restricted, analytics withdrawn, a
 * child without the guardian's grant) shows the record — attributes, masked identifiers, consent — and why the rest
 * is left out (`analytics`); tags, scores, value, preferences and the timeline are empty.
 */
export async function customerPortrait(app: App, customerId: number, opts: { timeline?: number } = {}) {
  if (!Number.isInteger(customerId) || customerId <= 0) throw new UserError('bad_customer', 'A customer id is a positive whole number.', '客户 ID 必须是正整数。');
  await refreshAggregates(app);
  const tz = await workspaceTimezone(app);
  const p = { ws: app.workspaceId, id: customerId, tz, limit: opts.timeline ?? 50 };
  const r = await customerProfile(app.warehouse, p);
  if (!r) throw new UserError('no_customer', `No customer ${customerId}.`, `没有客户 ${customerId}。`, 404);
  const pr = r.profile;
  const decision = await canUseCustomer(app, 'analytics', customerId);
  const record = {
    customer_id: customerId,
    analytics: { permitted: decision.allowed, reason: decision.reason },
    attributes: {
      status: pr.status, name: pr.name_masked, gender: pr.gender, birth_year: pr.birth_year, province: pr.province, city: pr.city, city_tier: pr.city_tier,
      acquisition_channel: pr.acquisition_channel, acquired_at: localInstant(pr.acquired_at as string | null, tz), registered_at: localInstant(pr.registered_at as string | null, tz),
      member_tier: pr.member_tier, owner_staff_code: pr.owner_staff_code, home_store_code: pr.home_store_code,
    },
    identifiers: r.ids.map((x) => ({ type: String(x.id_type), masked: (x.id_masked as string) ?? null })),
    consent: r.consent.map((x) => ({ purpose: String(x.purpose), status: String(x.status), changed_at: localInstant(String(x.changed_at), tz) })),
  };
  if (!decision.allowed) return { ...record, tags: [], scores: { rfm: null }, value: null, preferences: null, timeline: [] };
  const pick = (kind: string) => r.prefs.filter((x) => x.kind === kind).map((x) => ({ value: String(x.value), orders: Number(x.n), amount: Number(x.amount) }));
  const discounted = pick('discounted');
  const orders = discounted.reduce((s, x) => s + x.orders, 0);
  const population = pr.orders ? await rfm(app) : null;
  let segment: (typeof RFM_SEGMENTS)[number] | null = null;
  let recency: number | null = null;
  if (population && pr.last_order_date) {
    recency = Math.round((Date.parse(population.reference_date) - Date.parse(String(pr.last_order_date))) / 86_400_000);
    const t = population.thresholds;
    segment = RFM_SEGMENTS.find((s) => s.r === recency! < t.recency_days && s.f === Number(pr.orders) > t.frequency && s.m === Number(pr.gmv) > t.monetary) ?? null;
  }
  const hours = pick('hour').sort((a, b) => b.orders - a.orders);
  const channels = pick('channel').sort((a, b) => b.orders - a.orders);
  return {
    ...record,
    tags: r.tags.map((x) => ({ tag: String(x.tag), source: String(x.source) })),
    scores: {
      rfm: segment ? { segment: segment.zh, segment_en: segment.en, recency_days: recency, frequency: Number(pr.orders), monetary: Number(pr.gmv), reference_date: population!.reference_date } : null,
    },
    value: {
      first_order_date: pr.first_order_date, last_order_date: pr.last_order_date, orders: Number(pr.orders ?? 0),
      gmv: Number(pr.gmv ?? 0), net: Number(pr.gmv ?? 0) - Number(pr.discounts ?? 0) - Number(pr.refunds ?? 0),
    },
    preferences: {
      top_categories: pick('category').slice(0, 5), top_brands: pick('brand').slice(0, 5),
      channel: channels[0]?.value ?? null, hour: hours.length ? Number(hours[0].value) : null,
      price_sensitivity: orders ? (discounted.find((x) => x.value === 'true')?.orders ?? 0) / orders : null,
    },
    timeline: r.timeline.map((x) => ({
      ts: localInstant(String(x.ts), tz), kind: String(x.kind), ref: (x.ref as string | null) ?? null, channel: (x.channel as string | null) ?? null,
      amount: x.amount === null || x.amount === undefined ? null : Number(x.amount), status: (x.status as string | null) ?? null,
    })),
  };
}
