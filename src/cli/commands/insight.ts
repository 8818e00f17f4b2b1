import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { UserError } from '../../errors.ts';
import { kpis, cohorts, rfm, type CohortPeriod, type InsightFilters } from '../../insight/index.ts';
import { KPI_CATALOGUE } from '../../domain/metrics/kpis.ts';

/** Adds the filter options every insight command takes (docs/metrics.md, Filters). */
function withFilters(c: Command): Command {
  return c
    .option('--from <day>', 'first local day, inclusive (YYYY-MM-DD)')
    .option('--to <day>', 'last local day, inclusive (YYYY-MM-DD)')
    .option('--channel <list>', 'channel(s), comma-separated')
    .option('--store <list>', 'store code(s), comma-separated')
    .option('--city <list>', 'customer city(ies), comma-separated')
    .option('--staff <list>', 'store guide code(s), comma-separated')
    .option('--segment <tag>', 'a tag / saved segment')
    .option('--json', 'machine-readable output');
}

export function filtersOf(o: Record<string, unknown>): InsightFilters {
  const f: InsightFilters = {};
  for (const k of ['from', 'to', 'channel', 'store', 'city', 'staff', 'segment'] as const) if (typeof o[k] === 'string') f[k] = o[k] as string;
  return f;
}

export function numberOption(name: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError('bad_number', `--${name} must be a number, not '${String(v)}'.`, `--${name} 必须是数字，而不是 '${String(v)}'。`);
  return n;
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? x.toLocaleString('en') : x.toFixed(2));

export function registerInsight(program: Command, env: CommandEnv): void {
  const insight = program.command('insight').description('Insight: KPIs, cohorts, RFM, lifecycle … / 数据洞察');

  withFilters(insight.command('kpi').description('Core KPIs with 环比 / 同比 comparisons / 核心指标'))
    .option('--attribution-days <n>', 'days after a message or read in which an order converts', '7')
    .action(async (o: Record<string, unknown>) => {
      const r = await env.withApp((app) => kpis(app, filtersOf(o), { attributionDays: numberOption('attribution-days', o.attributionDays) }));
      emit(env.output, o.json as boolean, r, () => {
        const lines = [`window ${r.window.from} … ${r.window.to}`];
        for (const [k, zh, en] of KPI_CATALOGUE) {
          const v = r[k];
          const isRate = k.endsWith('_rate');
          const ch = r.change ? `  环比 ${pct(r.change.previous[k] ?? null)}  同比 ${pct(r.change.last_year[k] ?? null)}` : '';
          lines.push(`${zh} ${en}: ${isRate ? pct(v) : num(v)}${ch}`);
        }
        return lines.join('\n');
      });
    });

  withFilters(insight.command('cohort').description('Cohort retention by first-order period / 同期群留存'))
    .option('--period <p>', 'week | month | quarter', 'month')
    .action(async (o: Record<string, unknown>) => {
      const r = await env.withApp((app) => cohorts(app, { period: o.period as CohortPeriod, filters: filtersOf(o) }));
      emit(env.output, o.json as boolean, r, () => r.cohorts.map((c) => `${c.cohort}  ${String(c.size).padStart(7)}  ${c.retention.map((x) => pct(x).padStart(6)).join(' ')}`).join('\n'));
    });

  withFilters(insight.command('rfm').description('RFM scores and the 8 value segments / RFM 客户价值分层'))
    .option('--as-of <day>', 'reference date (default: the day after the last order)')
    .option('--recency-days <n>', 'R is high below this many days (default: the mean)')
    .option('--frequency <n>', 'F is high above this many orders (default: the mean)')
    .option('--monetary <n>', 'M is high above this spend (default: the mean)')
    .action(async (o: Record<string, unknown>) => {
      const r = await env.withApp((app) => rfm(app, {
        filters: filtersOf(o),
        referenceDate: o.asOf as string | undefined,
        thresholds: { recencyDays: numberOption('recency-days', o.recencyDays), frequency: numberOption('frequency', o.frequency), monetary: numberOption('monetary', o.monetary) },
      }));
      emit(env.output, o.json as boolean, r, () => [
        `reference ${r.reference_date}; ${r.customers} customers; thresholds R<${r.thresholds.recency_days.toFixed(1)}d F>${r.thresholds.frequency.toFixed(2)} M>${r.thresholds.monetary.toFixed(2)}`,
        ...r.segments.map((s) => `${s.name} ${s.name_en}: ${s.size} (${pct(s.share)})`),
        `R scores ${JSON.stringify(r.scores.r)}`, `F scores ${JSON.stringify(r.scores.f)}`, `M scores ${JSON.stringify(r.scores.m)}`,
      ].join('\n'));
    });
}
