import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { checkFilters, filterParams, resolveWindow, type InsightFilters } from './filters.ts';
import { orderSeries } from './queries/orderSeries.ts';
import { refreshAggregates } from './aggregates.ts';

export type SeriesUnit = 'day' | 'week' | 'month';

/** 趋势: orders, GMV and ordering customers per day, week or month (seasonality, peaks). */
export async function series(app: App, opts: { unit?: SeriesUnit; filters?: InsightFilters } = {}) {
  const unit = opts.unit ?? 'month';
  if (!['day', 'week', 'month'].includes(unit)) throw new UserError('bad_unit', '--unit is day, week or month.', '--unit 只能是 day、week 或 month。');
  const f = checkFilters(opts.filters ?? {});
  await refreshAggregates(app);
  const win = await resolveWindow(app, f);
  const points = await orderSeries(app.warehouse, { ws: app.workspaceId, unit, from: win.from, to: win.to, ...filterParams(f) });
  return { unit, window: { from: win.from, to: win.to }, points };
}
