import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { addDays, isDay } from '../domain/metrics/periods.ts';
import { RFM_SEGMENTS, segmentOf, type RfmThresholds } from '../domain/segments/rfm.ts';
import { checkFilters, filterParams, type InsightFilters } from './filters.ts';
import { lastOrderDay, rfmCells } from './queries/rfmCells.ts';
import { refreshAggregates } from './aggregates.ts';

export interface RfmOptions {
  filters?: InsightFilters;
  /** Reference date (YYYY-MM-DD): R is counted to it and only orders before it count. Default: the day after the last order. */
  referenceDate?: string;
  /** Thresholds for high / low; each missing one is the population mean. */
  thresholds?: Partial<RfmThresholds>;
  /** Bring the aggregates up to date first (default true). */
  refresh?: boolean;
}

export interface RfmSegmentSize {
  key: string;
  name: string;
  name_en: string;
  size: number;
  share: number;
  avg_recency_days: number | null;
  avg_frequency: number | null;
  avg_monetary: number | null;
}

export interface RfmReport {
  reference_date: string;
  customers: number;
  thresholds: { recency_days: number; frequency: number; monetary: number; from_means: { recency_days: boolean; frequency: boolean; monetary: boolean } };
  segments: RfmSegmentSize[];
  /** Segment sizes by Chinese name (重要价值 …). */
  sizes: Record<string, number>;
  /** How many customers have each 1–5 score on R, F and M. */
  scores: { r: Record<string, number>; f: Record<string, number>; m: Record<string, number> };
}

/** RFM 客户价值分层: 1–5 quintile scores and the 8 classic segments. */
export async function rfm(app: App, opts: RfmOptions = {}): Promise<RfmReport> {
  const f = checkFilters(opts.filters ?? {});
  if (opts.referenceDate !== undefined && !isDay(opts.referenceDate)) {
    throw new UserError('bad_date', `--as-of must be a day YYYY-MM-DD, not '${opts.referenceDate}'.`, `--as-of 必须是日期 YYYY-MM-DD，而不是 '${opts.referenceDate}'。`);
  }
  if (opts.refresh !== false) await refreshAggregates(app);
  const last = await lastOrderDay(app.warehouse, app.workspaceId);
  const ref = opts.referenceDate ?? addDays(last ?? new Date().toISOString().slice(0, 10), 1);
  const p = filterParams(f);
  const orderLevel = p.channel !== null || p.store !== null || p.staff !== null || f.from !== undefined || (last !== null && ref <= last) || f.to !== undefined;
  const asof = f.to && f.to < addDays(ref, -1) ? f.to : addDays(ref, -1);
  const t = opts.thresholds ?? {};
  const cells = await rfmCells(app.warehouse, {
    ws: app.workspaceId, ref, asof, from: f.from ?? null, ...p,
    tr: t.recencyDays ?? null, tf: t.frequency ?? null, tm: t.monetary ?? null,
  }, orderLevel ? 'orders' : 'aggregate');
  const n = cells[0]?.n ?? 0;
  const sizes: Record<string, { size: number; r: number; f: number; m: number }> = {};
  const scores = { r: {} as Record<string, number>, f: {} as Record<string, number>, m: {} as Record<string, number> };
  for (const s of [1, 2, 3, 4, 5]) scores.r[s] = scores.f[s] = scores.m[s] = 0;
  for (const c of cells) {
    const seg = segmentOf(c.rh, c.fh, c.mh).key;
    const x = (sizes[seg] ??= { size: 0, r: 0, f: 0, m: 0 });
    x.size += c.customers; x.r += c.r_sum; x.f += c.f_sum; x.m += c.m_sum;
    scores.r[c.rs] += c.customers; scores.f[c.fs] += c.customers; scores.m[c.ms] += c.customers;
  }
  const avg = (sum: number, k: number) => (k ? sum / k : null);
  const segments = RFM_SEGMENTS.map((s) => {
    const x = sizes[s.key] ?? { size: 0, r: 0, f: 0, m: 0 };
    return { key: s.key, name: s.zh, name_en: s.en, size: x.size, share: n ? x.size / n : 0, avg_recency_days: avg(x.r, x.size), avg_frequency: avg(x.f, x.size), avg_monetary: avg(x.m, x.size) };
  });
  return {
    reference_date: ref,
    customers: n,
    thresholds: {
      recency_days: cells[0]?.tr ?? t.recencyDays ?? 0, frequency: cells[0]?.tf ?? t.frequency ?? 0, monetary: cells[0]?.tm ?? t.monetary ?? 0,
      from_means: { recency_days: t.recencyDays === undefined, frequency: t.frequency === undefined, monetary: t.monetary === undefined },
    },
    segments,
    sizes: Object.fromEntries(segments.map((s) => [s.name, s.size])),
    scores,
  };
}
