/** 用户行为: the purchase funnel, when customers buy, and how long they take to come back (insight funnel + behaviour). */
import type { ChapterBuilder } from '../context.ts';
import type { Chart, Text } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtPct } from '../i18n.ts';
import { funnel, behaviour } from '../../insight/behaviour.ts';

const STEP: Record<string, Text> = {
  product_view: { zh: '浏览商品', en: 'Product view' }, add_to_cart: { zh: '加购', en: 'Add to cart' }, order: { zh: '下单', en: 'Order' },
};
const WEEKDAYS: Text[] = ['一', '二', '三', '四', '五', '六', '日'].map((d, i) => ({ zh: `周${d}`, en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][i] }));

export const behaviourChapter: ChapterBuilder = {
  key: 'behaviour',
  async build(ctx) {
    const { app, window: w } = ctx;
    const filters = { from: w.from, to: w.to };
    const [f, b] = await Promise.all([funnel(app, { filters }), behaviour(app, { filters })]);
    const charts: Chart[] = [];
    const facts: { label: Text; value: Text }[] = [];
    const all = f.rows.find((r) => r.breakdown === 'all') ?? f.rows[0];
    if (all && all.counts[0] > 0) {
      charts.push({
        id: 'behaviour-funnel', kind: 'bar', unit: 'count',
        title: both((l) => (l === 'zh' ? `购买漏斗（会话，${f.window_hours} 小时内）` : `Purchase funnel (sessions, within ${f.window_hours} h)`)),
        categories: f.steps.map((s) => STEP[s] ?? { zh: s, en: s }),
        series: [{ name: both((l) => (l === 'zh' ? '会话数' : 'Sessions')), data: all.counts }],
      });
      facts.push({ label: both((l) => (l === 'zh' ? '浏览→下单转化' : 'View → order conversion')), value: both((l) => (l === 'zh'
        ? `${fmtCount(all.counts[0], l)} 个浏览会话中 ${fmtPct(all.counts[all.counts.length - 1] / all.counts[0])} 下单；流失最大的一步是${STEP[f.steps[worstStep(all.counts)]]?.zh ?? f.steps[worstStep(all.counts)]}`
        : `${fmtPct(all.counts[all.counts.length - 1] / all.counts[0])} of ${fmtCount(all.counts[0], l)} viewing sessions ended in an order; the biggest drop is at ${STEP[f.steps[worstStep(all.counts)]]?.en ?? f.steps[worstStep(all.counts)]}`)) });
    }
    const heat = b.heatmap.orders as number[][];
    const totalOrders = heat.flat().reduce((s, x) => s + x, 0);
    if (totalOrders > 0) {
      charts.push({
        id: 'behaviour-heatmap', kind: 'heatmap', unit: 'count',
        title: both((l) => (l === 'zh' ? '下单时段（星期 × 小时）' : 'When orders are placed (weekday × hour)')),
        categories: Array.from({ length: 24 }, (_, h) => ({ zh: String(h), en: String(h) })), yCategories: WEEKDAYS,
        series: [{ name: both((l) => (l === 'zh' ? '订单数' : 'Orders')), data: heat.flat() }],
      });
    }
    const g = b.inter_purchase;
    if (g.gaps > 0) {
      charts.push({
        id: 'behaviour-interpurchase', kind: 'bar', unit: 'count',
        title: both((l) => (l === 'zh' ? '复购间隔分布（天）' : 'Days between purchases')),
        categories: g.bins.map((x: { days: string }) => ({ zh: x.days, en: x.days })),
        series: [{ name: both((l) => (l === 'zh' ? '间隔数' : 'Gaps')), data: g.bins.map((x: { gaps: number }) => x.gaps) }],
      });
      facts.push({ label: both((l) => (l === 'zh' ? '复购间隔' : 'Time between purchases')), value: both((l) => (l === 'zh'
        ? `中位数 ${g.median_days} 天（四分位 ${g.p25_days}–${g.p75_days} 天，${fmtCount(g.gaps, l)} 个间隔）`
        : `median ${g.median_days} days (quartiles ${g.p25_days}–${g.p75_days}; ${fmtCount(g.gaps, l)} gaps)`)) });
    }
    if (!charts.length) return { omitted: both((l) => (l === 'zh' ? `${w.from} 至 ${w.to} 没有浏览、加购或下单行为数据。` : `No browsing, cart or order behaviour between ${w.from} and ${w.to}.`)) };
    return {
      chapter: {
        key: 'behaviour', title: CHAPTER_TITLES.behaviour, findings: [], charts, facts,
        lead: both((l) => (l === 'zh' ? `${w.from} 至 ${w.to} 的购买漏斗、下单时段与复购间隔（洞察引擎的漏斗与行为分析）。` : `The purchase funnel, order times and time between purchases from ${w.from} to ${w.to} (the insight engine's funnel and behaviour analyses).`)),
      },
    };
  },
};

function worstStep(counts: number[]): number {
  let worst = 1;
  let rate = 1;
  for (let i = 1; i < counts.length; i++) {
    const r = counts[i - 1] ? counts[i] / counts[i - 1] : 1;
    if (r < rate) { rate = r; worst = i; }
  }
  return worst;
}
