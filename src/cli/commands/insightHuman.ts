import { KPI_CATALOGUE } from '../../domain/metrics/kpis.ts';
import type { CohortReport, KpiReport, RfmReport } from '../../insight/index.ts';
import type { LifecycleReport } from '../../insight/lifecycle.ts';
import type { TierReport } from '../../insight/tiers.ts';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? x.toLocaleString('en') : x.toFixed(2));

/** Human-readable text of insight answers on a terminal (JSON is printed under --json). */
export const HUMAN: Record<string, (r: any) => string> = {
  kpi: (r: KpiReport) => {
    const lines = [`window ${r.window.from} … ${r.window.to}`];
    for (const [k, zh, en] of KPI_CATALOGUE) {
      const ch = r.change ? `  环比 ${pct(r.change.previous[k])}  同比 ${pct(r.change.last_year[k])}` : '';
      lines.push(`${zh} ${en}: ${k.endsWith('_rate') ? pct(r[k]) : num(r[k])}${ch}`);
    }
    return lines.join('\n');
  },
  cohort: (r: CohortReport) => r.cohorts.map((c) => `${c.cohort}  ${String(c.size).padStart(7)}  ${c.retention.map((x) => pct(x).padStart(6)).join(' ')}`).join('\n'),
  rfm: (r: RfmReport) => [
    `reference ${r.reference_date}; ${r.customers} customers; thresholds R<${r.thresholds.recency_days.toFixed(1)}d F>${r.thresholds.frequency.toFixed(2)} M>${r.thresholds.monetary.toFixed(2)}`,
    ...r.segments.map((s) => `${s.name} ${s.name_en}: ${s.size} (${pct(s.share)})`),
    `R scores ${JSON.stringify(r.scores.r)}`, `F scores ${JSON.stringify(r.scores.f)}`, `M scores ${JSON.stringify(r.scores.m)}`,
  ].join('\n'),
  lifecycle: (r: LifecycleReport) => [`as of ${r.as_of}`, ...r.stages.map((s) => `${s.name} ${s.name_en}: ${s.customers}`)].join('\n'),
  tiers: (r: TierReport) => [`${r.month ?? '—'}`, ...r.distribution.map((d) => `${d.name} ${d.name_en}: ${d.customers}`), ...r.history.map((h) => `${h.month} ↑${h.upgrades} ↓${h.downgrades}`)].join('\n'),
};
