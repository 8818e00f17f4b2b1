/** 商品与内容: which content is read, shared and followed by orders, and which products sell together. */
import type { ChapterBuilder } from '../context.ts';
import type { Chart, Text } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtPct, fmtYuan } from '../i18n.ts';
import { codeName } from '../labels.ts';
import { contentScorecard } from '../../insight/engagement.ts';

export const productsChapter: ChapterBuilder = {
  key: 'products',
  async build(ctx) {
    const { app, window: w } = ctx;
    const c = await contentScorecard(app, { filters: { from: w.from, to: w.to } });
    const items = c.content.filter((x) => x.reads > 0);
    if (!items.length) return { omitted: both((l) => (l === 'zh' ? `${w.from} 至 ${w.to} 没有内容阅读数据。` : `No content reads between ${w.from} and ${w.to}.`)) };
    const top = [...items].sort((a, b) => b.attributed_gmv - a.attributed_gmv).slice(0, 10);
    const charts: Chart[] = [{
      id: 'products-content', kind: 'hbar', unit: 'yuan',
      title: both((l) => (l === 'zh' ? `内容带来的成交额前 10（阅读后 ${c.attribution_days} 天内）` : `Top 10 content by GMV within ${c.attribution_days} days of reading`)),
      categories: top.map((x) => ({ zh: x.title, en: x.title })),
      series: [{ name: both((l) => (l === 'zh' ? '归因成交额' : 'Attributed GMV')), data: top.map((x) => x.attributed_gmv) }],
    }];
    const byKind = new Map<string, { reads: number; gmv: number; shares: number }>();
    for (const x of items) {
      const k = byKind.get(x.kind ?? 'other') ?? { reads: 0, gmv: 0, shares: 0 };
      k.reads += x.reads; k.gmv += x.attributed_gmv; k.shares += x.shares;
      byKind.set(x.kind ?? 'other', k);
    }
    const kinds = [...byKind.entries()].sort((a, b) => b[1].gmv / b[1].reads - a[1].gmv / a[1].reads);
    const facts: { label: Text; value: Text }[] = [];
    const reads = items.reduce((s, x) => s + x.reads, 0);
    const gmv = items.reduce((s, x) => s + x.attributed_gmv, 0);
    facts.push({ label: both((l) => (l === 'zh' ? '内容总览' : 'Content overall')), value: both((l) => (l === 'zh'
      ? `${items.length} 篇内容共 ${fmtCount(reads, l)} 次阅读，阅读后 ${c.attribution_days} 天内成交 ${fmtYuan(gmv, l)}`
      : `${items.length} pieces read ${fmtCount(reads, l)} times, followed by ${fmtYuan(gmv, l)} of orders within ${c.attribution_days} days`)) });
    if (kinds.length > 1) {
      facts.push({ label: both((l) => (l === 'zh' ? '每千次阅读成交（按形式）' : 'GMV per 1,000 reads by format')), value: both((l) => kinds
        .map(([k, v]) => (l === 'zh'
          ? `${codeName(k).zh} ${fmtYuan((v.gmv / v.reads) * 1000, l)}（分享率 ${fmtPct(v.shares / v.reads)}）`
          : `${codeName(k).en} ${fmtYuan((v.gmv / v.reads) * 1000, l)} (share rate ${fmtPct(v.shares / v.reads)})`)).join(l === 'zh' ? '；' : '; ')) });
    }
    return {
      chapter: {
        key: 'products', title: CHAPTER_TITLES.products, findings: [], charts, facts,
        lead: both((l) => (l === 'zh' ? `${w.from} 至 ${w.to} 的内容表现（洞察引擎的内容评分；成交按阅读后 ${c.attribution_days} 天内下单归因，属相关而非因果）。` : `Content performance from ${w.from} to ${w.to} (the insight engine's content scorecard; GMV credited to orders within ${c.attribution_days} days of a read — association, not proof of cause).`)),
      },
    };
  },
};
