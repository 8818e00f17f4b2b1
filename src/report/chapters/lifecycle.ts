/** 生命周期: customers per stage at the period's end, how the stages moved month by month, and who slipped. */
import type { ChapterBuilder } from '../context.ts';
import type { Chart, Finding } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtPct } from '../i18n.ts';
import { lifecycle } from '../../insight/lifecycle.ts';
import { monthsBack } from './util.ts';

export const lifecycleChapter: ChapterBuilder = {
  key: 'lifecycle',
  async build(ctx) {
    const { app, window: w } = ctx;
    const from = monthsBack(w.to, 11) < ctx.span.first ? ctx.span.first : monthsBack(w.to, 11);
    const lc = await lifecycle(app, { filters: { from, to: w.to }, asOf: w.to });
    const total = lc.stages.reduce((s, x) => s + x.customers, 0);
    const buyers = lc.stages.filter((s) => s.key !== 'prospect').reduce((s, x) => s + x.customers, 0);
    if (buyers === 0) return { omitted: both((l) => (l === 'zh' ? `截至 ${w.to} 没有已购客户，无法划分生命周期。` : `No buyers by ${w.to}: there are no lifecycle stages to show.`)) };
    const stageCats = lc.stages.map((s) => ({ zh: s.name, en: s.name_en }));
    const now: Chart = {
      id: 'lifecycle-stages', kind: 'bar', unit: 'count',
      title: both((l) => (l === 'zh' ? `${lc.as_of} 各生命周期阶段客户数` : `Customers per lifecycle stage on ${lc.as_of}`)),
      categories: stageCats,
      series: [{ name: both((l) => (l === 'zh' ? '客户数' : 'Customers')), data: lc.stages.map((s) => s.customers) }],
    };
    const trend: Chart = {
      id: 'lifecycle-trend', kind: 'bar', unit: 'count',
      title: both((l) => (l === 'zh' ? '各月末生命周期结构' : 'Lifecycle mix at each month end')),
      categories: lc.over_time.map((p) => ({ zh: p.month_end.slice(0, 7), en: p.month_end.slice(0, 7) })),
      series: lc.stages.filter((s) => s.key !== 'prospect').map((s) => ({ name: { zh: s.name, en: s.name_en }, stack: 'stage', data: lc.over_time.map((p) => p.counts[s.key]) })),
    };
    const findings: Finding[] = [];
    const get = (k: string) => lc.stages.find((s) => s.key === k)?.customers ?? 0;
    const atRisk = get('dormant');
    const churned = get('churned');
    const m = lc.last_transitions.matrix;
    const slipped = (m.active?.dormant ?? 0) + (m.loyal?.dormant ?? 0) + (m.returned?.dormant ?? 0) + (m.new?.dormant ?? 0);
    const t = lc.thresholds;
    if (atRisk > 0) {
      findings.push({
        id: 'lifecycle-dormant', chapter: 'lifecycle', minSpanDays: t.dormantDays, impact: atRisk, impactBasis: 'customers', chart: now,
        title: both((l) => (l === 'zh' ? `${fmtCount(atRisk, l)} 位客户处于沉睡期（${fmtPct(atRisk / buyers)}）` : `${fmtCount(atRisk, l)} customers are dormant (${fmtPct(atRisk / buyers)})`)),
        statement: both((l) => (l === 'zh'
          ? `截至 ${lc.as_of}，${fmtCount(buyers, l)} 位已购客户中 ${fmtCount(atRisk, l)} 位已 ${t.activeDays}–${t.dormantDays} 天未下单（沉睡），另有 ${fmtCount(churned, l)} 位超过 ${t.dormantDays} 天（流失，${fmtPct(churned / buyers)}）${lc.last_transitions.month_end ? `；最近一个月（至 ${lc.last_transitions.month_end}）有 ${fmtCount(slipped, l)} 位从新客/活跃/忠诚/回流滑入沉睡` : ''}。`
          : `On ${lc.as_of}, ${fmtCount(atRisk, l)} of ${fmtCount(buyers, l)} buyers had not ordered for ${t.activeDays}–${t.dormantDays} days (dormant) and ${fmtCount(churned, l)} for more than ${t.dormantDays} days (churned, ${fmtPct(churned / buyers)})${lc.last_transitions.month_end ? `; in the last month (to ${lc.last_transitions.month_end}) ${fmtCount(slipped, l)} slipped from new/active/loyal/returned into dormant` : ''}.`)),
        why: both((l) => (l === 'zh' ? '沉睡客户仍可能被唤回，一旦进入流失期召回成本会大幅上升。' : 'Dormant customers can still be won back; once churned, bringing them back costs far more.')),
      });
    }
    return {
      chapter: {
        key: 'lifecycle', title: CHAPTER_TITLES.lifecycle, findings, charts: [...(findings.length ? [] : [now]), ...(lc.over_time.length > 1 ? [trend] : [])],
        lead: both((l) => (l === 'zh'
          ? `按订单日划分生命周期：首单 ${t.newDays} 天内为新客，${t.activeDays} 天内有单为活跃（近一年 ≥ ${t.loyalOrderDays} 个下单日为忠诚，间隔 ≥ ${t.returnGapDays} 天后回购为回流），${t.activeDays}–${t.dormantDays} 天为沉睡，更久为流失。共 ${fmtCount(total, l)} 位客户。`
          : `Stages from order days: new within ${t.newDays} days of the first order; active with an order in ${t.activeDays} days (loyal with ≥ ${t.loyalOrderDays} order days in a year, returned after a gap of ≥ ${t.returnGapDays} days); dormant at ${t.activeDays}–${t.dormantDays} days; churned beyond. ${fmtCount(total, l)} customers in all.`)),
      },
    };
  },
};
