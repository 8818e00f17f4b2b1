/** 风险提示: KPIs that moved beyond two standard deviations of their last 12 months, unsubscribe and complaint spikes. */
import type { ChapterBuilder } from '../context.ts';
import type { Finding, Text } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtYuan } from '../i18n.ts';
import { monthlySeries, type MonthPoint } from '../queries/monthlySeries.ts';
import { anomalyOf, ANOMALY_Z } from '../domain/anomaly.ts';
import { addDays, monthsBack } from './util.ts';

const METRICS: { key: keyof Omit<MonthPoint, 'month'>; name: Text; yuan?: boolean; badWhen: 'up' | 'down'; scale: boolean }[] = [
  { key: 'gmv', name: { zh: '成交额', en: 'GMV' }, yuan: true, badWhen: 'down', scale: true },
  { key: 'orders', name: { zh: '订单数', en: 'Orders' }, badWhen: 'down', scale: true },
  { key: 'customers', name: { zh: '下单客户数', en: 'Ordering customers' }, badWhen: 'down', scale: false },
  { key: 'withdrawals', name: { zh: '营销同意撤回（退订）', en: 'Marketing consent withdrawals (unsubscribes)' }, badWhen: 'up', scale: true },
  { key: 'complaints', name: { zh: '投诉与退订事件', en: 'Complaint and unsubscribe events' }, badWhen: 'up', scale: true },
];

/** Seven months of orders: a month against at least six before it. */
const MIN_SPAN_DAYS = 210;

export const risksChapter: ChapterBuilder = {
  key: 'risks',
  async build(ctx) {
    const { app, window: w } = ctx;
    const series = await monthlySeries(app.warehouse, { ws: app.workspaceId, from: monthsBack(w.to, 12), to: w.to });
    const withData = series.filter((p) => p.month >= ctx.span.first.slice(0, 7));
    if (withData.length < 7) {
      return { omitted: both((l) => (l === 'zh' ? `数据不足 7 个月（${withData.length} 个月），无法判断指标是否异常。` : `Fewer than 7 months of data (${withData.length}): too short to tell an anomaly from normal variation.`)) };
    }
    const last = withData[withData.length - 1];
    const history = withData.slice(0, -1);
    // A month the orders cover only in part is scaled to a full month from the days that have orders.
    const dataTo = ctx.period.covered.to;
    const monthEnd = addDays(monthsBack(w.to, -1), -1);
    const elapsed = dataTo.slice(0, 7) === w.to.slice(0, 7) ? Number(dataTo.slice(8, 10)) : Number(monthEnd.slice(8, 10));
    const daysInMonth = Number(monthEnd.slice(8, 10));
    const factor = elapsed >= daysInMonth ? 1 : daysInMonth / elapsed;
    const findings: Finding[] = [];
    const checked: string[] = [];
    const favourable: Text[] = [];
    for (const m of METRICS) {
      const raw = last[m.key];
      const v = m.scale ? raw * factor : raw;
      const hist = history.map((p) => p[m.key]);
      if (hist.every((x) => x === 0) && v === 0) continue;
      const a = anomalyOf(v, hist);
      checked.push(m.key);
      if (!a || Math.abs(a.z) < ANOMALY_Z) continue;
      const bad = (m.badWhen === 'down' && a.z < 0) || (m.badWhen === 'up' && a.z > 0);
      const f = (x: number, l: 'zh' | 'en') => (m.yuan ? fmtYuan(x, l) : fmtCount(x, l));
      const scaled = factor !== 1 && m.scale;
      if (!bad) {
        // A favourable move is not a risk: noted in the chapter, not ranked as a finding.
        favourable.push(both((l) => (l === 'zh' ? `${m.name.zh} ${f(v, l)}（z = ${a.z.toFixed(1)}）` : `${m.name.en} ${f(v, l)} (z = ${a.z.toFixed(1)})`)));
        continue;
      }
      findings.push({
        id: `risk-${m.key}`, chapter: 'risks', tags: ['risk'], minSpanDays: MIN_SPAN_DAYS,
        impact: m.yuan ? Math.abs(v - a.mean) : Math.abs(v - a.mean) * (m.key === 'withdrawals' || m.key === 'complaints' ? 1 : 0.5),
        impactBasis: m.yuan ? 'yuan' : 'customers',
        chart: {
          id: `risk-${m.key}-chart`, kind: 'line', unit: m.yuan ? 'yuan' : 'count', title: both((l) => m.name[l]),
          categories: withData.map((p) => ({ zh: p.month, en: p.month })),
          series: [{ name: both((l) => m.name[l]), data: withData.map((p) => p[m.key]) }],
        },
        title: both((l) => (l === 'zh'
          ? `${m.name.zh}${a.z > 0 ? '异常上升' : '异常下降'}：${last.month} 为 ${f(v, l)}，偏离近 ${history.length} 个月均值 ${a.z.toFixed(1)} 个标准差`
          : `${m.name.en} ${a.z > 0 ? 'spiked' : 'dropped'}: ${f(v, l)} in ${last.month}, ${a.z.toFixed(1)} standard deviations from the ${history.length}-month mean`)),
        statement: both((l) => (l === 'zh'
          ? `${last.month} ${m.name.zh} ${f(v, l)}${scaled ? `（按 ${elapsed}/${daysInMonth} 天折算为整月，实际 ${f(raw, l)}）` : ''}，此前 ${history.length} 个月均值 ${f(a.mean, l)}、标准差 ${f(a.sd, l)}，z = ${a.z.toFixed(2)}。`
          : `${m.name.en} in ${last.month}: ${f(v, l)}${scaled ? ` (scaled to a full month from ${elapsed} of ${daysInMonth} days; actual ${f(raw, l)})` : ''}, against a ${history.length}-month mean of ${f(a.mean, l)} with standard deviation ${f(a.sd, l)}; z = ${a.z.toFixed(2)}.`)),
        why: both((l) => (l === 'zh' ? '超出两个标准差的变化很少是随机波动，需要查明原因（活动节奏、渠道故障、触达过度）。' : 'A move beyond two standard deviations is rarely noise: find the cause (campaign calendar, a broken channel, over-messaging).')),
      });
    }
    const facts = favourable.length
      ? [{ label: both((l) => (l === 'zh' ? '向好的异常' : 'Favourable anomalies')), value: both((l) => favourable.map((x) => x[l]).join(l === 'zh' ? '；' : '; ')) }]
      : [];
    return {
      chapter: {
        key: 'risks', title: CHAPTER_TITLES.risks, findings, facts,
        charts: findings.length || withData.every((p) => p.withdrawals === 0 && p.complaints === 0) ? [] : [{
          id: 'risks-withdrawals', kind: 'line', unit: 'count', title: both((l) => (l === 'zh' ? '每月营销同意撤回与投诉' : 'Monthly consent withdrawals and complaints')),
          categories: withData.map((p) => ({ zh: p.month, en: p.month })),
          series: [
            { name: both((l) => (l === 'zh' ? '同意撤回' : 'Withdrawals')), data: withData.map((p) => p.withdrawals) },
            { name: both((l) => (l === 'zh' ? '投诉/退订事件' : 'Complaints / unsubscribes')), data: withData.map((p) => p.complaints) },
          ],
        }],
        lead: both((l) => (l === 'zh'
          ? `将 ${last.month} 的 ${checked.length} 项指标与此前 ${history.length} 个月比较，向不利方向偏离超过 ${ANOMALY_Z} 个标准差即视为风险${findings.length ? `：发现 ${findings.length} 项。` : '：本期没有发现。'}`
          : `${checked.length} indicators of ${last.month} against the ${history.length} months before; an adverse move beyond ${ANOMALY_Z} standard deviations counts as a risk${findings.length ? `: ${findings.length} found.` : ': none this period.'}`)),
      },
    };
  },
};
