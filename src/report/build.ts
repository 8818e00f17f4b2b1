/**
 * Builds the report (生成报告): runs each chapter builder on the period, keeps the chapters that have data, says
 * which are left out and why, ranks all findings by impact and orders the recommendations by expected yuan.
 */
import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { CHAPTER_TITLES, UI, both, fmtCount, fmtYuan } from './i18n.ts';
import type { Chapter, Finding, Recommendation, Report } from './model.ts';
import type { ReportContext } from './context.ts';
import { CHAPTERS } from './chapters/index.ts';
import { rankFindings } from './rank.ts';
import { dataSpan } from './queries/dataSpan.ts';

export interface ReportOptions {
  from?: string;
  to?: string;
  /** Fixed "generated at" (tests); default now. */
  now?: Date;
}

const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/**
 * The default period: the last complete calendar month of data — the month of the last data day when that day
 * ends its month, else the month before (a monthly review looks at a whole month). With less than a month of
 * data before the last day, the month to date.
 */
export function defaultWindow(last: string, first: string): { from: string; to: string } {
  const d = new Date(`${last}T00:00:00Z`);
  const next = new Date(d.getTime() + 86_400_000);
  if (next.getUTCDate() === 1) return { from: `${last.slice(0, 7)}-01`, to: last };
  const end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 0)).toISOString().slice(0, 10);
  const from = `${end.slice(0, 7)}-01`;
  return from < first ? { from: `${last.slice(0, 7)}-01`, to: last } : { from, to: end };
}

export async function buildReport(app: App, opts: ReportOptions = {}): Promise<Report> {
  for (const k of ['from', 'to'] as const) {
    const v = opts[k];
    if (v !== undefined && !isDay(v)) throw new UserError('bad_date', `--${k} must be a day YYYY-MM-DD, not '${v}'.`, `--${k} 必须是日期 YYYY-MM-DD，而不是 '${v}'。`);
  }
  const span = await dataSpan(app.warehouse, app.workspaceId);
  if (!span.first || !span.last) {
    throw new UserError('no_data', 'The store has no orders or events yet: import data (siyu import) or load the demo (siyu demo) first.',
      '数据库中还没有订单或事件：请先导入数据（siyu import）或加载演示数据（siyu demo）。');
  }
  const def = opts.to ? { from: `${opts.to.slice(0, 7)}-01`, to: opts.to } : defaultWindow(span.last, span.first);
  const window = { from: opts.from ?? def.from, to: opts.to ?? def.to };
  if (window.from > window.to) throw new UserError('bad_window', `--from ${window.from} is after --to ${window.to}.`, `--from ${window.from} 晚于 --to ${window.to}。`);
  const ctx: ReportContext = { app, window, span: { first: span.first, last: span.last }, yuanPerCustomer: 0, aov: 0 };

  const chapters: Chapter[] = [];
  const recommendations: Recommendation[] = [];
  const omitted: Report['omitted'] = [];
  for (const b of CHAPTERS) {
    const r = await b.build(ctx);
    if ('omitted' in r) omitted.push({ key: b.key, reason: r.omitted });
    else {
      chapters.push(r.chapter);
      recommendations.push(...(r.recommendations ?? []));
    }
  }
  const findings: Finding[] = chapters.flatMap((c) => c.findings);
  const ranked = rankFindings(findings, ctx.yuanPerCustomer);
  recommendations.sort((a, b) => b.expectedYuan - a.expectedYuan);
  if (recommendations.length) {
    const total = recommendations.reduce((s, r) => s + r.expectedYuan, 0);
    const people = recommendations.reduce((s, r) => s + r.audience, 0);
    chapters.push({
      key: 'recommendations', title: CHAPTER_TITLES.recommendations,
      lead: both((l) => l === 'zh'
        ? `共 ${recommendations.length} 条建议，按预期收益排序；合计覆盖 ${fmtCount(people, l)} 人次，预期收益合计 ${fmtYuan(total, l)}（各条假设见下）。`
        : `${recommendations.length} recommendations, ordered by expected impact; together they reach ${fmtCount(people, l)} customers and are expected to bring ${fmtYuan(total, l)} (assumptions stated with each).`),
      findings: [], charts: [],
    });
  } else {
    omitted.push({ key: 'recommendations', reason: both((l) => l === 'zh' ? '没有任何章节的数据足以支撑一条可量化的建议。' : 'No chapter had data enough to support a quantified recommendation.') });
  }
  return {
    title: UI.reportTitle,
    brand: span.brand,
    window,
    generatedAt: (opts.now ?? new Date()).toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    chapters, ranked, recommendations, omitted,
  };
}
