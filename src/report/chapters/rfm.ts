/** RFM 价值分层: the eight segments at the period's end, and the dormant high-value group with its win-back play. */
import type { ChapterBuilder } from '../context.ts';
import type { Chart, Finding, Recommendation } from '../model.ts';
import { codeName } from '../labels.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtPct, fmtYuan } from '../i18n.ts';
import { rfm } from '../../insight/rfm.ts';
import { dormantHighValueSql, observedWinback } from '../queries/dormantHighValue.ts';
import { audienceReach, saveAudience, segmentLink, audienceTag } from '../audience.ts';
import { addDays, daysBetween } from './util.ts';

/** Half a year of orders before "no order for R days" (R the mean recency) tells a dormant customer from a new one. */
const MIN_SPAN_DAYS = 180;

export const rfmChapter: ChapterBuilder = {
  key: 'rfm',
  async build(ctx) {
    const { app, window: w } = ctx;
    const ref = addDays(w.to, 1);
    const r = await rfm(app, { referenceDate: ref });
    if (r.customers === 0) return { omitted: both((l) => (l === 'zh' ? `截至 ${w.to} 没有客户下过单，无法做 RFM 分层。` : `No customer had ordered by ${w.to}: there is nothing to segment.`)) };
    const t = r.thresholds;
    const segChart: Chart = {
      id: 'rfm-segments', kind: 'hbar', unit: 'count',
      title: both((l) => (l === 'zh' ? 'RFM 八类客户人数' : 'Customers in the eight RFM segments')),
      categories: r.segments.map((s) => ({ zh: s.name, en: s.name_en })),
      series: [{ name: both((l) => (l === 'zh' ? '客户数' : 'Customers')), data: r.segments.map((s) => s.size) }],
    };
    const valueChart: Chart = {
      id: 'rfm-monetary', kind: 'bar', unit: 'yuan',
      title: both((l) => (l === 'zh' ? '各分层人均消费金额' : 'Average spend per customer by segment')),
      categories: r.segments.map((s) => ({ zh: s.name, en: s.name_en })),
      series: [{ name: both((l) => (l === 'zh' ? '人均消费' : 'Spend per customer')), data: r.segments.map((s) => s.avg_monetary) }],
    };
    const findings: Finding[] = [];
    const recommendations: Recommendation[] = [];
    const dormant = r.segments.filter((s) => s.key === 'important_retention' || s.key === 'important_winback');
    const n = dormant.reduce((s, x) => s + x.size, 0);
    if (n > 0) {
      const spend = dormant.reduce((s, x) => s + x.size * (x.avg_monetary ?? 0), 0);
      const spanDays = Math.max(daysBetween(ctx.span.first, w.to), 1);
      const yearly = spend * Math.min(1, 365 / spanDays);
      const rule = both((l) => (l === 'zh'
        ? `截至 ${w.to} 累计消费高于 ${fmtYuan(t.monetary, l)} 且已 ${Math.ceil(t.recency_days)} 天以上未下单`
        : `spent more than ${fmtYuan(t.monetary, l)} by ${w.to} and no order for ${Math.ceil(t.recency_days)} days or more`));
      // too little data: the finding is left out (build.ts), and no audience is saved on it
      const enough = ctx.dataDays >= MIN_SPAN_DAYS;
      const size = enough ? await saveAudience(app, 'dormant_high_value', rule, dormantHighValueSql(app.warehouse.dialect),
        { ws: app.workspaceId, ref, asof: w.to, tm: t.monetary, tr: t.recency_days }) : 0;
      findings.push({
        id: 'rfm-dormant-high-value', chapter: 'rfm', minSpanDays: MIN_SPAN_DAYS, impact: yearly, impactBasis: 'yuan', chart: segChart, tags: ['dormant_high_value'],
        title: both((l) => (l === 'zh' ? `${fmtCount(n, l)} 位高价值客户进入沉睡` : `${fmtCount(n, l)} high-value customers have gone quiet`)),
        statement: both((l) => (l === 'zh'
          ? `${fmtCount(n, l)} 位客户（占 ${fmtCount(r.customers, l)} 位已购客户的 ${fmtPct(n / r.customers)}）${rule.zh}（重要保持 + 重要挽留）；他们累计消费 ${fmtYuan(spend, l)}，人均 ${fmtYuan(spend / n, l)}，是全体平均 ${fmtYuan(t.monetary, l)} 的 ${(spend / n / t.monetary).toFixed(1)} 倍。`
          : `${fmtCount(n, l)} customers (${fmtPct(n / r.customers)} of ${fmtCount(r.customers, l)} buyers) ${rule.en} (important retention + important win-back); together they have spent ${fmtYuan(spend, l)}, ${fmtYuan(spend / n, l)} each, ${(spend / n / t.monetary).toFixed(1)}× the average of ${fmtYuan(t.monetary, l)}.`)),
        why: both((l) => (l === 'zh'
          ? `按数据跨度折算，这批客户每年约贡献 ${fmtYuan(yearly, l)}；沉睡越久越难唤回，是最值得优先召回的人群。`
          : `Over the span of the data that is about ${fmtYuan(yearly, l)} a year; the longer they sleep the harder they are to bring back, so they come first.`)),
      });
      const d0 = addDays(w.to, -90);
      const obs = d0 > ctx.span.first ? await observedWinback(app.warehouse, { ws: app.workspaceId, d0, asof: w.to, tm: t.monetary, tr: t.recency_days }) : null;
      if (enough && obs && obs.base >= 30 && obs.returned > 0) {
        const rate = obs.returned / obs.base;
        const aov = obs.value / obs.orders;
        const channels = await audienceReach(app, 'dormant_high_value');
        const reach = channels[0]?.reachable ?? 0;
        recommendations.push({
          id: 'winback-dormant-high-value', basedOn: ['rfm-dormant-high-value'], audience: size, channels,
          segment: { key: audienceTag('dormant_high_value'), link: segmentLink('dormant_high_value'), rule },
          expectedYuan: reach * rate * aov,
          title: both((l) => (l === 'zh' ? `召回 ${fmtCount(size, l)} 位高价值沉睡客户` : `Win back ${fmtCount(size, l)} dormant high-value customers`)),
          action: both((l) => (reach > 0
            ? (l === 'zh' ? `通过${codeName(channels[0].channel).zh}向其中已同意营销的 ${fmtCount(reach, l)} 人发送专属召回权益，并由导购一对一跟进。` : `Send the ${fmtCount(reach, l)} who consented to marketing a personal win-back offer through ${codeName(channels[0].channel).en}, followed up one-to-one by their store guide.`)
            : (l === 'zh' ? '这批客户都没有营销同意：先在门店和订单触点征得同意，再做召回。' : 'None of them has consented to marketing: collect consent at store and order touchpoints before any outreach.'))),
          assumption: both((l) => (l === 'zh'
            ? `可触达 ${fmtCount(reach, l)} 人 × 历史召回率 ${fmtPct(rate)}（${d0} 时同口径的 ${fmtCount(obs.base, l)} 位客户中 ${fmtCount(obs.returned, l)} 位在之后 90 天内回购）× 回购订单均价 ${fmtYuan(aov, l)}`
            : `${fmtCount(reach, l)} reachable × observed win-back rate ${fmtPct(rate)} (of ${fmtCount(obs.base, l)} customers matching the same rule on ${d0}, ${fmtCount(obs.returned, l)} ordered within 90 days) × ${fmtYuan(aov, l)} average value of those orders`)),
        });
      }
    }
    return {
      recommendations,
      chapter: {
        key: 'rfm', title: CHAPTER_TITLES.rfm, findings, charts: [...(findings.some((f) => f.chart === segChart) ? [] : [segChart]), valueChart],
        lead: both((l) => (l === 'zh'
          ? `以 ${r.reference_date} 为基准，对 ${fmtCount(r.customers, l)} 位已购客户按最近消费（R，阈值 ${t.recency_days.toFixed(0)} 天）、消费频次（F，阈值 ${t.frequency.toFixed(2)} 次）、消费金额（M，阈值 ${fmtYuan(t.monetary, l)}）分为八类；阈值取全体均值。`
          : `As of ${r.reference_date}, ${fmtCount(r.customers, l)} buyers are split into eight segments by recency (R, threshold ${t.recency_days.toFixed(0)} days), frequency (F, ${t.frequency.toFixed(2)} orders) and monetary value (M, ${fmtYuan(t.monetary, l)}); thresholds are the population means.`)),
      },
    };
  },
};
