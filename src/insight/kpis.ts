import type { App } from '../app/context.ts';
import { deriveKpis, KPI_CATALOGUE, type KpiValues } from '../domain/metrics/kpis.ts';
import { change, previousPeriod, samePeriodLastYear, type DayWindow } from '../domain/metrics/periods.ts';
import { checkFilters, filterParams, resolveWindow, type InsightFilters } from './filters.ts';
import { orderKpis } from './queries/kpiOrders.ts';
import { engagementKpis } from './queries/kpiEngagement.ts';
import { refreshAggregates } from './aggregates.ts';
import { workspaceTimezone } from './timezone.ts';

export interface KpiOptions {
  /** Days after a message / read during which an order counts as converted (default 7). */
  attributionDays?: number;
  /** Also compute the previous period and the same period last year (default true). */
  compare?: boolean;
}

export type KpiReport = KpiValues & {
  window: DayWindow & { all_time: boolean };
  filters: InsightFilters;
  previous: (KpiValues & { window: DayWindow }) | null;
  last_year: (KpiValues & { window: DayWindow }) | null;
  /** Relative change of each KPI vs the previous period (环比) and the same period last year (同比). */
  change: { previous: Partial<Record<keyof KpiValues, number | null>>; last_year: Partial<Record<keyof KpiValues, number | null>> } | null;
};

async function kpisOf(app: App, w: DayWindow, f: InsightFilters, tz: string, attrDays: number): Promise<KpiValues> {
  const prev = previousPeriod(w);
  const base = { ws: app.workspaceId, from: w.from, to: w.to, ...filterParams(f) };
  const [o, e] = await Promise.all([
    orderKpis(app.warehouse, { ...base, pfrom: prev.from, pto: prev.to }),
    engagementKpis(app.warehouse, { ...base, tz, attr_days: attrDays }),
  ]);
  return deriveKpis({ ...o, ...e });
}

/** 核心指标: every KPI of docs/metrics.md for the window and filters, with 环比 and 同比 comparisons. */
export async function kpis(app: App, filters: InsightFilters = {}, opts: KpiOptions = {}): Promise<KpiReport> {
  const f = checkFilters(filters);
  await refreshAggregates(app);
  const tz = await workspaceTimezone(app);
  const attr = opts.attributionDays ?? 7;
  const win = await resolveWindow(app, f);
  const cur = await kpisOf(app, win, f, tz, attr);
  let previous: KpiReport['previous'] = null;
  let lastYear: KpiReport['last_year'] = null;
  let delta: KpiReport['change'] = null;
  if (opts.compare !== false && !win.allTime) {
    const pw = previousPeriod(win);
    const yw = samePeriodLastYear(win);
    previous = { window: pw, ...(await kpisOf(app, pw, f, tz, attr)) };
    lastYear = { window: yw, ...(await kpisOf(app, yw, f, tz, attr)) };
    delta = { previous: {}, last_year: {} };
    for (const [k] of KPI_CATALOGUE) {
      delta.previous[k] = change(cur[k], previous[k]);
      delta.last_year[k] = change(cur[k], lastYear[k]);
    }
  }
  return { ...cur, window: { from: win.from, to: win.to, all_time: win.allTime }, filters: f, previous, last_year: lastYear, change: delta };
}
