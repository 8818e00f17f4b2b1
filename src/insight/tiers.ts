import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { DEFAULT_TIERS, type TierRules } from '../domain/segments/tiers.ts';
import { checkFilters, filterParams, resolveWindow, type InsightFilters } from './filters.ts';
import { refreshAggregates } from './aggregates.ts';
import { tierCounts, tierMoves } from './queries/tierHistory.ts';

export interface TierReport {
  rules: TierRules;
  /** Month of the current distribution (the window's last month). */
  month: string | null;
  distribution: { name: string; name_en: string; customers: number }[];
  /** Per month: customers per tier, upgrades and downgrades (month-end tier vs the month before). */
  history: { month: string; counts: Record<string, number>; upgrades: number; downgrades: number }[];
  /** Moves summed over the window, e.g. { from: '普通', to: '高级', customers: 12 }. */
  moves: { from: string; to: string; customers: number }[];
}

/** 会员等级: distribution by 12-month spend / frequency rules, with the history of upgrades and downgrades. */
export async function tiers(app: App, opts: { filters?: InsightFilters; rules?: TierRules } = {}): Promise<TierReport> {
  const f = checkFilters(opts.filters ?? {});
  const rules = opts.rules ?? DEFAULT_TIERS;
  if (!rules.tiers.length) throw new UserError('bad_tiers', 'At least one tier is needed.', '至少需要一个等级。');
  await refreshAggregates(app);
  const win = await resolveWindow(app, f);
  const p = {
    ws: app.workspaceId, from: win.from, to: win.to, match: rules.match, ...filterParams(f),
    rules: JSON.stringify(rules.tiers.map((t, i) => ({ rank: i, min_spend: t.minSpend, min_orders: t.minOrders }))),
  };
  const [counts, moves] = await Promise.all([tierCounts(app.warehouse, p), tierMoves(app.warehouse, p)]);
  const name = (i: number) => rules.tiers[i].name;
  const months = new Map<string, { counts: Record<string, number>; upgrades: number; downgrades: number }>();
  const month = (m: string) => {
    if (!months.has(m)) months.set(m, { counts: Object.fromEntries(rules.tiers.map((t) => [t.name, 0])), upgrades: 0, downgrades: 0 });
    return months.get(m)!;
  };
  for (const c of counts) month(c.month).counts[name(c.tier)] = c.customers;
  const total = new Map<string, number>();
  for (const m of moves) {
    const x = month(m.month);
    if (m.to > m.from) x.upgrades += m.customers;
    else x.downgrades += m.customers;
    const k = `${m.from}>${m.to}`;
    total.set(k, (total.get(k) ?? 0) + m.customers);
  }
  const history = [...months.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([m, x]) => ({ month: m.slice(0, 7), ...x }));
  const last = history[history.length - 1];
  return {
    rules,
    month: last?.month ?? null,
    distribution: rules.tiers.map((t) => ({ name: t.name, name_en: t.name_en, customers: last?.counts[t.name] ?? 0 })),
    history,
    moves: [...total.entries()].map(([k, n]) => {
      const [a, b] = k.split('>').map(Number);
      return { from: name(a), to: name(b), customers: n };
    }),
  };
}
