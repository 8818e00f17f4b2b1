import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { checkFilters, filterParams, resolveWindow, type InsightFilters } from './filters.ts';
import { refreshAggregates } from './aggregates.ts';
import { workspaceTimezone } from './timezone.ts';
import { BREAKDOWN, funnelCounts, type Breakdown, type FunnelUnit } from './queries/funnelSteps.ts';
import { topPaths } from './queries/topPaths.ts';
import { orderHeatmap } from './queries/orderHeatmap.ts';
import { interPurchase } from './queries/interPurchase.ts';
import { secondOrder } from './queries/secondOrder.ts';
import { coPurchase } from './queries/coPurchase.ts';

async function params(app: App, filters: InsightFilters = {}) {
  const f = checkFilters(filters);
  await refreshAggregates(app);
  const win = await resolveWindow(app, f);
  return { ws: app.workspaceId, tz: await workspaceTimezone(app), from: win.from, to: win.to, ...filterParams(f), window: { from: win.from, to: win.to } };
}

export interface FunnelOptions {
  /** Event types in order (default product_view, add_to_cart, order). */
  steps?: string[];
  /** session (default) or customer. */
  unit?: FunnelUnit;
  /** Hours from the first step within which later steps count (default 24 for sessions, 720 for customers). */
  windowHours?: number;
  breakdown?: Breakdown;
  filters?: InsightFilters;
}

export interface FunnelReport {
  window: { from: string; to: string };
  steps: string[];
  unit: FunnelUnit;
  window_hours: number;
  breakdown: Breakdown;
  /** Per breakdown value: units reaching each step, conversion from the previous step and from the first. */
  rows: { breakdown: string; counts: number[]; step_rates: (number | null)[]; overall_rate: number | null }[];
}

/** 转化漏斗: ordered steps with a time window and a breakdown. */
export async function funnel(app: App, opts: FunnelOptions = {}): Promise<FunnelReport> {
  const steps = opts.steps?.length ? opts.steps : ['product_view', 'add_to_cart', 'order'];
  if (steps.length < 2 || steps.length > 8) throw new UserError('bad_steps', 'A funnel has 2 to 8 steps.', '漏斗需要 2–8 个步骤。');
  const unit = opts.unit ?? 'session';
  if (unit !== 'session' && unit !== 'customer') throw new UserError('bad_unit', '--unit is session or customer.', '--unit 只能是 session 或 customer。');
  const by = opts.breakdown ?? 'none';
  if (!(by in BREAKDOWN)) throw new UserError('bad_breakdown', `--breakdown is one of ${Object.keys(BREAKDOWN).join(', ')}.`, `--breakdown 必须是 ${Object.keys(BREAKDOWN).join('、')} 之一。`);
  const hours = opts.windowHours ?? (unit === 'session' ? 24 : 720);
  const p = await params(app, opts.filters);
  const rows = await funnelCounts(app.warehouse, steps, unit, by, { ...p, window_hours: hours });
  const total = rows.length > 1 ? [{ breakdown: 'all', counts: steps.map((_, k) => rows.reduce((s, r) => s + r.counts[k], 0)) }, ...rows] : rows;
  return {
    window: p.window, steps, unit, window_hours: hours, breakdown: by,
    rows: total.map((r) => ({
      breakdown: r.breakdown, counts: r.counts,
      step_rates: r.counts.map((n, k) => (k === 0 ? 1 : r.counts[k - 1] ? n / r.counts[k - 1] : null)),
      overall_rate: r.counts[0] ? r.counts[r.counts.length - 1] / r.counts[0] : null,
    })),
  };
}

/** 行为分析: hour × weekday heat map, inter-purchase times, first → second order, top paths, co-purchased products. */
export async function behaviour(app: App, opts: { filters?: InsightFilters; depth?: number; limit?: number; minOrders?: number } = {}) {
  const p = await params(app, opts.filters);
  const [heatmap, gaps, second, paths, pairs] = await Promise.all([
    orderHeatmap(app.warehouse, p),
    interPurchase(app.warehouse, p),
    secondOrder(app.warehouse, p),
    topPaths(app.warehouse, { ...p, depth: opts.depth ?? 5, limit: opts.limit ?? 20 }),
    coPurchase(app.warehouse, { ...p, limit: opts.limit ?? 20, min_orders: opts.minOrders ?? 2 }),
  ]);
  return {
    window: p.window,
    heatmap: { rows: 'weekday 1 (Mon) … 7 (Sun)', columns: 'hour 0 … 23 (local)', orders: heatmap },
    inter_purchase: gaps,
    first_to_second: second,
    top_paths: paths,
    co_purchase: pairs,
  };
}
