import type { App } from '../app/context.ts';
import { checkFilters, filterParams, resolveWindow, type InsightFilters } from './filters.ts';
import { refreshAggregates } from './aggregates.ts';
import { workspaceTimezone } from './timezone.ts';
import { groupRepurchase } from './queries/groupRepurchase.ts';
import { groupHealth, joinToFirstOrder, membersVsOthers } from './queries/groupHealth.ts';
import { campaignArms } from './queries/campaignArms.ts';
import { channelAttribution } from './queries/channelAttribution.ts';
import { staffPerformance } from './queries/staffPerformance.ts';
import { contentPerformance } from './queries/contentPerformance.ts';
import { localInstant } from '../domain/time/instant.ts';

async function params(app: App, filters: InsightFilters = {}) {
  const f = checkFilters(filters);
  await refreshAggregates(app);
  const win = await resolveWindow(app, f);
  return { ws: app.workspaceId, tz: await workspaceTimezone(app), from: win.from, to: win.to, ...filterParams(f), window: { from: win.from, to: win.to } };
}

export interface CommunityOptions {
  filters?: InsightFilters;
  /** Repurchase horizon after the first order, and join → first order horizon (default 90). */
  days?: number;
  /** A member joined a group no later than this many days after the first order (default 3). */
  graceDays?: number;
}

/**
 * 社群分析: repurchase lift of group members (first-order cohorts in the window), group health, members vs others,
 * join → first order.
 */
export async function communityLift(app: App, opts: CommunityOptions = {}) {
  const p = await params(app, opts.filters);
  const q = { ...p, days: opts.days ?? 90, grace_days: opts.graceDays ?? 3 };
  const [rep, groups, split, join] = await Promise.all([groupRepurchase(app.warehouse, q), groupHealth(app.warehouse, q), membersVsOthers(app.warehouse, q), joinToFirstOrder(app.warehouse, q)]);
  const lift = rep.members.rate !== null && rep.non_members.rate ? rep.members.rate / rep.non_members.rate : null;
  return {
    window: p.window, days: q.days, grace_days: q.grace_days,
    repurchase: { ...rep, lift },
    members_vs_others: split,
    join_to_first_order: join,
    groups,
  };
}

/**
 * 活动增量 (A/B + holdout): per campaign, treatment vs holdout conversion and GMV, absolute uplift with a 95% interval;
 * the campaign's start and the window's end in the workspace's zone with their offset.
 */
export async function campaignUplift(app: App, opts: { campaign?: string; windowDays?: number } = {}) {
  await refreshAggregates(app);
  const tz = await workspaceTimezone(app);
  const rows = await campaignArms(app.warehouse, { ws: app.workspaceId, campaign: opts.campaign ?? null, window_days: opts.windowDays ?? null });
  const ids = [...new Set(rows.map((r) => r.campaign_id))];
  return {
    campaigns: ids.map((id) => {
      const arms = rows.filter((r) => r.campaign_id === id);
      const arm = (name: string) => {
        const a = arms.find((r) => r.arm === name);
        return a ? { members: a.members, converted: a.converted, rate: a.members ? a.converted / a.members : null, gmv: a.gmv, gmv_per_member: a.members ? a.gmv / a.members : null } : null;
      };
      const t = arm('treatment');
      const h = arm('holdout');
      let uplift: { absolute: number; relative: number | null; ci95: [number, number]; gmv_per_member: number | null } | null = null;
      if (t?.rate != null && h?.rate != null) {
        const se = Math.sqrt((t.rate * (1 - t.rate)) / t.members + (h.rate * (1 - h.rate)) / h.members);
        const d = t.rate - h.rate;
        uplift = { absolute: d, relative: h.rate ? d / h.rate : null, ci95: [d - 1.96 * se, d + 1.96 * se], gmv_per_member: t.gmv_per_member !== null && h.gmv_per_member !== null ? t.gmv_per_member - h.gmv_per_member : null };
      }
      return { campaign_id: id, name: arms[0].name, kind: arms[0].kind, from: localInstant(arms[0].started_at, tz), until: localInstant(arms[0].until, tz), treatment: t, holdout: h, uplift };
    }),
  };
}

/** 渠道归因: first-touch, last-touch and linear GMV credit per channel. */
export async function channelContribution(app: App, opts: { filters?: InsightFilters; lookbackDays?: number } = {}) {
  const p = await params(app, opts.filters);
  return { window: p.window, lookback_days: opts.lookbackDays ?? 30, channels: await channelAttribution(app.warehouse, { ...p, lookback_days: opts.lookbackDays ?? 30 }) };
}

/** 导购业绩: contacts owned, active, their GMV and repurchase, and credited orders per store guide. */
export async function staffScorecard(app: App, opts: { filters?: InsightFilters } = {}) {
  const p = await params(app, opts.filters);
  return { window: p.window, staff: await staffPerformance(app.warehouse, p) };
}

/** 内容效果: reads, likes, shares and attributed orders per content item. */
export async function contentScorecard(app: App, opts: { filters?: InsightFilters; attributionDays?: number; limit?: number } = {}) {
  const p = await params(app, opts.filters);
  return { window: p.window, attribution_days: opts.attributionDays ?? 7, content: await contentPerformance(app.warehouse, { ...p, attr_days: opts.attributionDays ?? 7, limit: opts.limit ?? 50 }) };
}
