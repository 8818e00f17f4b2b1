/** 用户画像: who the customers are — gender, age, city tier, where they came from, member tier. */
import type { ChapterBuilder } from '../context.ts';
import type { Chart } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtPct } from '../i18n.ts';
import { codeName } from '../labels.ts';
import { populationPortraits } from '../../insight/portraits.ts';

type Dim = 'gender' | 'age_band' | 'city_tier' | 'city' | 'acquisition_channel' | 'member_tier' | 'spend_band';

const DIMS: { dim: Dim; kind: Chart['kind']; title: { zh: string; en: string }; order?: string[]; top?: number }[] = [
  { dim: 'gender', kind: 'pie', title: { zh: '性别', en: 'Gender' } },
  { dim: 'age_band', kind: 'bar', title: { zh: '年龄段', en: 'Age band' }, order: ['<18', '18–24', '25–29', '30–34', '35–39', '40–49', '50+', 'unknown'] },
  { dim: 'city_tier', kind: 'bar', title: { zh: '城市等级', en: 'City tier' } },
  { dim: 'city', kind: 'hbar', title: { zh: '城市（前 10）', en: 'City (top 10)' }, top: 10 },
  { dim: 'acquisition_channel', kind: 'hbar', title: { zh: '获客渠道', en: 'Acquisition channel' } },
  { dim: 'member_tier', kind: 'pie', title: { zh: '会员等级', en: 'Member tier' } },
];

export const portraitChapter: ChapterBuilder = {
  key: 'portrait',
  async build(ctx) {
    const { app, window: w } = ctx;
    const pp = await populationPortraits(app, { to: w.to });
    const total = pp.gender.reduce((s, r) => s + r.customers, 0);
    const charts: Chart[] = [];
    const facts: { label: { zh: string; en: string }; value: { zh: string; en: string } }[] = [];
    for (const d of DIMS) {
      const rs = (pp[d.dim] ?? []) as { value: string; customers: number }[];
      const known = rs.filter((r) => r.value !== 'unknown');
      if (!known.length) continue;
      const sorted = (d.order ? [...rs].sort((a, b) => d.order!.indexOf(a.value) - d.order!.indexOf(b.value)) : [...rs].sort((a, b) => b.customers - a.customers))
        .filter((r) => !d.top || r.value !== 'unknown').slice(0, d.top ?? rs.length);
      charts.push({
        id: `portrait-${d.dim}`, kind: d.kind, unit: 'count', title: both((l) => d.title[l]),
        categories: sorted.map((r) => codeName(r.value)),
        series: [{ name: both((l) => (l === 'zh' ? '客户数' : 'Customers')), data: sorted.map((r) => r.customers) }],
      });
      const top = [...known].sort((a, b) => b.customers - a.customers)[0];
      const knownN = known.reduce((s, r) => s + r.customers, 0);
      facts.push({
        label: both((l) => d.title[l]),
        value: both((l) => (l === 'zh'
          ? `最多为 ${codeName(top.value).zh}（${fmtPct(top.customers / knownN)}）；已知 ${fmtCount(knownN, l)} 人，覆盖 ${fmtPct(knownN / total)}`
          : `mostly ${codeName(top.value).en} (${fmtPct(top.customers / knownN)}); known for ${fmtCount(knownN, l)}, ${fmtPct(knownN / total)} of the base`)),
      });
    }
    if (!charts.length || total === 0) {
      return { omitted: both((l) => (l === 'zh' ? '客户资料中没有性别、年龄、城市、获客渠道或会员等级等画像字段。' : 'The customer records carry no profile attributes (gender, age, city, acquisition channel, member tier).')) };
    }
    return {
      chapter: {
        key: 'portrait', title: CHAPTER_TITLES.portrait, findings: [], charts, facts,
        lead: both((l) => (l === 'zh'
          ? `截至 ${pp.as_of}，${fmtCount(total, l)} 位在册客户的画像分布（来自洞察引擎的人群画像；含未知值，以便看出资料完整度）。`
          : `Profile of the ${fmtCount(total, l)} customers on record on ${pp.as_of} (the insight engine's population portrait; unknowns shown, so the completeness of the profile is visible).`)),
      },
    };
  },
};
