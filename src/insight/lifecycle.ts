import type { App } from '../app/context.ts';
import { DEFAULT_LIFECYCLE, STAGES, type LifecycleThresholds, type Stage } from '../domain/segments/lifecycle.ts';
import { checkFilters, filterParams, resolveWindow, type InsightFilters } from './filters.ts';
import { refreshAggregates } from './aggregates.ts';
import { lifecycleCounts, lifecycleTransitions } from './queries/lifecycleSnapshots.ts';
import { workspaceTimezone } from './timezone.ts';

export interface LifecycleOptions {
  filters?: InsightFilters;
  /** The day of the current snapshot; default the window's last day. */
  asOf?: string;
  thresholds?: Partial<LifecycleThresholds>;
  /** Use a model's P(alive) (customer_scores, score p_alive) for dormant / churned at the as-of day. */
  usePAlive?: boolean;
}

export type StageCounts = Record<Stage, number>;

export interface LifecycleReport {
  as_of: string;
  thresholds: LifecycleThresholds;
  stages: { key: Stage; name: string; name_en: string; customers: number }[];
  /** Counts per stage at each month end of the window. */
  over_time: { month_end: string; counts: StageCounts }[];
  /** Month-to-month moves summed over the window: matrix[from][to] = customers. */
  transitions: Record<Stage, StageCounts>;
  /** The same for the last month pair only. */
  last_transitions: { month_end: string | null; matrix: Record<Stage, StageCounts> };
}

const zero = (): StageCounts => Object.fromEntries(STAGES.map((s) => [s.key, 0])) as StageCounts;
const matrix = () => Object.fromEntries(STAGES.map((s) => [s.key, zero()])) as Record<Stage, StageCounts>;

/** 生命周期: stage counts now and over time, and the month-to-month transition matrix. */
export async function lifecycle(app: App, opts: LifecycleOptions = {}): Promise<LifecycleReport> {
  const f = checkFilters(opts.filters ?? {});
  await refreshAggregates(app);
  const win = await resolveWindow(app, f);
  const t = { ...DEFAULT_LIFECYCLE, ...Object.fromEntries(Object.entries(opts.thresholds ?? {}).filter(([, v]) => v !== undefined)) };
  const asOf = opts.asOf ?? win.to;
  const p = {
    ws: app.workspaceId, tz: await workspaceTimezone(app), from: win.from, to: win.to, asof: asOf, ...filterParams(f),
    use_p_alive: opts.usePAlive ?? false, p_alive_dormant: t.pAliveDormant, p_alive_churned: t.pAliveChurned,
    new_days: t.newDays, active_days: t.activeDays, dormant_days: t.dormantDays, loyal_order_days: t.loyalOrderDays, return_gap_days: t.returnGapDays,
  };
  const [counts, moves] = await Promise.all([lifecycleCounts(app.warehouse, p), lifecycleTransitions(app.warehouse, p)]);
  const byDay = new Map<string, StageCounts>();
  for (const r of counts) {
    if (!byDay.has(r.day)) byDay.set(r.day, zero());
    byDay.get(r.day)![r.stage as Stage] = r.customers;
  }
  const now = byDay.get(asOf) ?? zero();
  const isMonthEnd = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).getUTCDate() === 1;
  const transitions = matrix();
  const lastEnd = moves.length ? moves[moves.length - 1].month_end : null;
  const last = matrix();
  for (const m of moves) {
    transitions[m.from_stage as Stage][m.to_stage as Stage] += m.customers;
    if (m.month_end === lastEnd) last[m.from_stage as Stage][m.to_stage as Stage] += m.customers;
  }
  return {
    as_of: asOf,
    thresholds: t,
    stages: STAGES.map((s) => ({ key: s.key, name: s.zh, name_en: s.en, customers: now[s.key] })),
    over_time: [...byDay.entries()].filter(([d]) => isMonthEnd(d) && d <= win.to).map(([d, c]) => ({ month_end: d, counts: c })),
    transitions,
    last_transitions: { month_end: lastEnd, matrix: last },
  };
}
