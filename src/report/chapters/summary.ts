/** 执行摘要: the period's KPIs against the previous period (环比), the same period last year (同比) and targets. */
import type { ChapterBuilder } from '../context.ts';
import type { Finding, KpiTile } from '../model.ts';
import { CHAPTER_TITLES, both, fmtChange, fmtCount, fmtP, fmtPct, fmtPp, fmtYuan } from '../i18n.ts';
import { kpis } from '../../insight/kpis.ts';
import { KPI_CATALOGUE, type KpiKey } from '../../domain/metrics/kpis.ts';
import { monthlySeries } from '../queries/monthlySeries.ts';
import { loadTargets } from '../targets.ts';
import { isSignificant, relativeChange, twoProportionZ } from '../domain/stats.ts';
import { daysBetween, monthsBack } from './util.ts';

const TILES: [KpiKey, KpiTile['unit']][] = [
  ['gmv', 'yuan'], ['orders', 'count'], ['customers', 'count'], ['new_customers', 'count'],
  ['aov', 'yuan'], ['repurchase_rate', 'percent'], ['churn_rate', 'percent'], ['net_revenue', 'yuan'],
];
const label = (k: KpiKey) => {
  const c = KPI_CATALOGUE.find((x) => x[0] === k)!;
  return { zh: c[1] as string, en: c[2] as string };
};

export const summaryChapter: ChapterBuilder = {
  key: 'summary',
  async build(ctx) {
    const { app, window: w } = ctx;
    const { previous: pw, lastYear: yw } = ctx.period;
    // 环比 / 同比 on calendar periods (ctx.period), not the insight engine's equal-length window before.
    const k = await kpis(app, { from: w.from, to: w.to }, { compare: false });
    const prev = await kpis(app, pw, { compare: false, refresh: false });
    const hasLastYear = yw.to >= ctx.span.first;
    const ly = hasLastYear ? await kpis(app, yw, { compare: false, refresh: false }) : null;
    const targets = loadTargets(app.dir);
    const gmv = k.gmv ?? 0;
    const orders = k.orders ?? 0;
    const customers = k.customers ?? 0;
    ctx.aov = k.aov ?? 0;
    ctx.yuanPerCustomer = customers ? gmv / customers : 0;
    const hasPrevious = pw.to >= ctx.span.first;
    // a comparison holds when the orders cover both periods, the one before from its first day
    const compareSpan = daysBetween(pw.from, ctx.period.covered.to) + 1;
    const tiles: KpiTile[] = TILES.map(([key, unit]) => ({
      key, unit, label: label(key), value: k[key], better: key === 'churn_rate' ? 'down' as const : 'up' as const,
      previous: hasPrevious ? prev[key] : undefined,
      lastYear: ly ? ly[key] : undefined,
      target: targets && targets[key] !== undefined ? targets[key] : undefined,
    }));
    const findings: Finding[] = [];
    const series = await monthlySeries(app.warehouse, { ws: app.workspaceId, from: monthsBack(w.to, 12), to: w.to });
    const trend = {
      id: 'summary-gmv-trend', kind: 'bar' as const, unit: 'yuan' as const,
      title: both((l) => (l === 'zh' ? '近 13 个月成交额（GMV）' : 'GMV, last 13 months')),
      categories: series.map((p) => ({ zh: p.month, en: p.month })),
      series: [{ name: both((l) => (l === 'zh' ? '成交额' : 'GMV')), data: series.map((p) => p.gmv) }],
    };
    if (hasPrevious) {
      const pg = prev.gmv ?? 0;
      const c = relativeChange(gmv, pg);
      const lyg = ly ? ly.gmv ?? 0 : null;
      findings.push({
        id: 'summary-gmv', chapter: 'summary', minSpanDays: compareSpan, impact: Math.abs(gmv - pg), impactBasis: 'yuan', chart: trend,
        title: both((l) => (l === 'zh' ? `成交额 ${fmtYuan(gmv, l)}，环比 ${fmtChange(c)}` : `GMV ${fmtYuan(gmv, l)}, ${fmtChange(c)} on the previous period`)),
        statement: both((l) => (l === 'zh'
          ? `${w.from} 至 ${w.to} 成交 ${fmtCount(orders, l)} 笔、${fmtYuan(gmv, l)}，上一周期（${pw.from} 至 ${pw.to}）为 ${fmtYuan(pg, l)}，环比 ${fmtChange(c)}${lyg !== null ? `；去年同期（${yw.from} 至 ${yw.to}）${fmtYuan(lyg, l)}，同比 ${fmtChange(relativeChange(gmv, lyg))}` : '；去年同期无数据'}。客单价 ${fmtYuan(ctx.aov, l)}。`
          : `From ${w.from} to ${w.to}: ${fmtCount(orders, l)} orders and ${fmtYuan(gmv, l)}, against ${fmtYuan(pg, l)} in the previous period (${pw.from} to ${pw.to}), ${fmtChange(c)}${lyg !== null ? `; ${fmtYuan(lyg, l)} in the same period last year (${yw.from} to ${yw.to}), ${fmtChange(relativeChange(gmv, lyg))}` : '; no data for the same period last year'}. AOV ${fmtYuan(ctx.aov, l)}.`)),
        why: both((l) => (l === 'zh'
          ? `成交额的变化 ${fmtYuan(gmv - pg, l)} 是本期经营结果的总账，后续章节拆解其来源。`
          : `The change of ${fmtYuan(gmv - pg, l)} is the period's bottom line; the chapters below take it apart.`)),
      });
      const rr = k.repurchase_rate;
      const prr = prev.repurchase_rate;
      const pc = prev.customers ?? 0;
      if (rr !== null && prr !== null && customers > 0 && pc > 0) {
        const sig = twoProportionZ(Math.round(rr * customers), customers, Math.round(prr * pc), pc);
        if (isSignificant(sig)) {
          findings.push({
            id: 'summary-repurchase', chapter: 'summary', minSpanDays: compareSpan, impact: Math.abs(rr - prr) * customers, impactBasis: 'customers', significance: sig,
            title: both((l) => (l === 'zh' ? `复购率 ${fmtPct(rr)}，环比 ${fmtPp(rr - prr, l)}` : `Repurchase rate ${fmtPct(rr)}, ${fmtPp(rr - prr, l)} on the previous period`)),
            statement: both((l) => (l === 'zh'
              ? `本期 ${fmtCount(customers, l)} 位下单客户中 ${fmtPct(rr)} 下单两次及以上，上一周期 ${fmtCount(pc, l)} 位中为 ${fmtPct(prr)}（${fmtP(sig.pValue)}）。`
              : `${fmtPct(rr)} of this period's ${fmtCount(customers, l)} ordering customers ordered twice or more, against ${fmtPct(prr)} of ${fmtCount(pc, l)} in the previous period (${fmtP(sig.pValue)}).`)),
            why: both((l) => (l === 'zh' ? '复购是私域的核心价值：它决定了留住的客户能贡献多少收入。' : 'Repurchase is what a private domain is for: it decides how much the customers kept are worth.')),
          });
        }
      }
    }
    const facts = targets ? [] : [{ label: both((l) => (l === 'zh' ? '目标' : 'Targets')), value: both((l) => (l === 'zh' ? '未设置（在数据目录放置 targets.json 即可与目标对比）' : 'none set (put targets.json in the data directory to compare against targets)')) }];
    return {
      chapter: {
        key: 'summary', title: CHAPTER_TITLES.summary, tiles, findings, facts, charts: findings.some((f) => f.chart === trend) ? [] : [trend],
        lead: both((l) => (l === 'zh'
          ? `报告期 ${w.from} 至 ${w.to}（订单数据覆盖 ${ctx.span.first} 至 ${ctx.span.last}）：${fmtCount(customers, l)} 位客户下单 ${fmtCount(orders, l)} 笔，成交 ${fmtYuan(gmv, l)}，客户总数 ${fmtCount(k.customers_total ?? 0, l)}。`
          : `Period ${w.from} to ${w.to} (orders from ${ctx.span.first} to ${ctx.span.last}): ${fmtCount(customers, l)} customers placed ${fmtCount(orders, l)} orders worth ${fmtYuan(gmv, l)}; the customer base is ${fmtCount(k.customers_total ?? 0, l)}.`)),
      },
    };
  },
};
