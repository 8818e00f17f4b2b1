/**
 * Builds the report (生成报告): runs each chapter builder on the period, keeps the chapters that have data, says
 * which are left out and why, ranks all findings by impact and orders the recommendations by expected yuan.
 */
import type { App } from '../app/context.ts';
import { CHAPTER_TITLES, UI, both, fmtCount, fmtYuan } from './i18n.ts';
import type { Chapter, Finding, Recommendation, Report } from './model.ts';
import type { ReportContext } from './context.ts';
import { CHAPTERS } from './chapters/index.ts';
import { rankFindings } from './rank.ts';
import { resolvePeriod } from './period.ts';
import { brandName } from './brand.ts';
import { daysIn } from './domain/periods.ts';

export interface ReportOptions {
  from?: string;
  to?: string;
  /** Fixed "generated at" (tests); default now. */
  now?: Date;
}

/** What the chapter builders get for the period the options and the data decide. */
export async function reportContext(app: App, opts: { from?: string; to?: string } = {}): Promise<ReportContext> {
  const period = await resolvePeriod(app, opts);
  const dataDays = daysIn({ from: period.orders.first, to: period.covered.to });
  return { app, window: period.window, span: period.orders, period, dataDays, yuanPerCustomer: 0, aov: 0 };
}

export async function buildReport(app: App, opts: ReportOptions = {}): Promise<Report> {
  const ctx = await reportContext(app, opts);
  const { window, period } = ctx;

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
  const omittedFindings = leaveOutThin(chapters, ctx.dataDays);
  const dropped = new Set(omittedFindings.map((f) => f.id));
  const kept = recommendations.filter((r) => !r.basedOn.some((id) => dropped.has(id)));
  recommendations.splice(0, recommendations.length, ...kept);
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
    brand: await brandName(app),
    window,
    coverage: { ordersFrom: period.orders.first, ordersTo: period.orders.last, lastEvent: period.lastEvent, partial: period.partial, dataDays: ctx.dataDays },
    generatedAt: (opts.now ?? new Date()).toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    chapters, ranked, recommendations, omitted, omittedFindings,
  };
}

/**
 * Takes out of each chapter the findings that need more days of orders than there are; their evidence charts stay
 * in the chapter (the data is true, the claim is not yet). Returns what was left out, to be listed.
 */
function leaveOutThin(chapters: Chapter[], dataDays: number): Report['omittedFindings'] {
  const out: Report['omittedFindings'] = [];
  for (const c of chapters) {
    const thin = c.findings.filter((f) => f.minSpanDays > dataDays);
    if (!thin.length) continue;
    c.findings = c.findings.filter((f) => f.minSpanDays <= dataDays);
    for (const f of thin) {
      out.push({ id: f.id, chapter: f.chapter, title: f.title, minSpanDays: f.minSpanDays, dataDays });
      if (f.chart && !c.charts.includes(f.chart) && !c.findings.some((k) => k.chart === f.chart)) c.charts.unshift(f.chart);
    }
  }
  return out;
}
