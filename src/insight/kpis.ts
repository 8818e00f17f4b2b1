import type { App } from '../app/context.ts';
import { deriveKpis, KPI_CATALOGUE, type KpiValues } from '../domain/metrics/kpis.ts';
import { change, previousPeriod, samePeriodLastYear, type DayWindow } from '../domain/metrics/periods.ts';
import { checkFilters, filterParams, orderSpan, windowOf, type InsightFilters, type OrderSpan } from './filters.ts';
import { orderTotals } from './queries/kpiOrderTotals.ts';
import { orderCustomers } from './queries/kpiOrderCustomers.ts';
import { engagementKpis } from './queries/kpiEngagement.ts';
import { refreshAggregates } from './aggregates.ts';
import { workspaceTimezone } from './timezone.ts';

export interface KpiOptions {
  /** Days after a message / read during which an order counts as converted (default 7). */
  attributionDays?: number;
  /** Also compute the previous period and the same period last year (default true). */
  compare?: boolean;
  /** Bring the aggregates up to date first (default true; the suite does it once for its three questions). */
  refresh?: boolean;
}

export type KpiReport = KpiValues & {
  window: DayWindow & { all_time: boolean };
  filters: InsightFilters;
  previous: (KpiValues & { window: DayWindow }) | null;
  last_year: (KpiValues & { window: DayWindow }) | null;
  /** Relative change of each KPI vs the previous period (环比) and the same period last year (同比). */
  change: { previous: Partial<Record<keyof KpiValues, number | null>>; last_year: Partial<Record<keyof KpiValues, number | null>> } | null;
};

/**
 * Where each part comes from (same numbers either way): order totals from the daily rollup unless a customer
 * attribute (city, segment) filters them; ordering customers from the per-customer aggregate when the window holds
 * every order and no order-level filter applies, else from the orders (docs/metrics.md, "Where the numbers come from").
 */
async function kpisOf(app: App, w: DayWindow, f: InsightFilters, tz: string, attrDays: number, span: OrderSpan): Promise<KpiValues> {
  const prev = previousPeriod(w);
  const p = filterParams(f);
  const base = { ws: app.workspaceId, from: w.from, to: w.to, ...p };
  const orderLevel = p.channel !== null || p.store !== null || p.staff !== null;
  const whole = !orderLevel && span.first !== null && span.last !== null && w.from <= span.first && w.to >= span.last;
  const totals = await orderTotals(app.warehouse, base, p.city === null && p.segment === null ? 'rollup' : 'orders');
  const buyers = await orderCustomers(app.warehouse, { ...base, pfrom: prev.from, pto: prev.to }, whole ? 'whole' : 'orders');
  const e = await engagementKpis(app.warehouse, { ...base, tz, attr_days: attrDays }, whole ? 'whole' : 'orders');
  return deriveKpis({ ...totals, ...buyers, ...e });
}

/** 核心指标: every KPI of docs/metrics.md for the window and filters, with 环比 and 同比 comparisons. */
export async function kpis(app: App, filters: InsightFilters = {}, opts: KpiOptions = {}): Promise<KpiReport> {
  const f = checkFilters(filters);
  if (opts.refresh !== false) await refreshAggregates(app);
  const tz = await workspaceTimezone(app);
  const attr = opts.attributionDays ?? 7;
  const span = await orderSpan(app);
  const win = windowOf(f, span);
  const cur = await kpisOf(app, win, f, tz, attr, span);
  let previous: KpiReport['previous'] = null;
  let lastYear: KpiReport['last_year'] = null;
  let delta: KpiReport['change'] = null;
  if (opts.compare !== false && !win.allTime) {
    const pw = previousPeriod(win);
    const yw = samePeriodLastYear(win);
    previous = { window: pw, ...(await kpisOf(app, pw, f, tz, attr, span)) };
    lastYear = { window: yw, ...(await kpisOf(app, yw, f, tz, attr, span)) };
    delta = { previous: {}, last_year: {} };
    for (const [k] of KPI_CATALOGUE) {
      delta.previous[k] = change(cur[k], previous[k]);
      delta.last_year[k] = change(cur[k], lastYear[k]);
    }
  }
  return { ...cur, window: { from: win.from, to: win.to, all_time: win.allTime }, filters: f, previous, last_year: lastYear, change: delta };
}
