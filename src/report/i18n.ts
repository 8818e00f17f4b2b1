import type { ChapterKey, Lang, Text } from './model.ts';

/** zh-CN and English labels of the report's frame (章节标题). Sentences from data are built in the chapters. */
export const CHAPTER_TITLES: Record<ChapterKey, Text> = {
  summary: { zh: '执行摘要', en: 'Executive summary' },
  portrait: { zh: '用户画像', en: 'User portrait' },
  behaviour: { zh: '用户行为', en: 'Behaviour' },
  lifecycle: { zh: '生命周期', en: 'Lifecycle' },
  rfm: { zh: 'RFM 价值分层', en: 'RFM and value segments' },
  clv: { zh: '客户终身价值与流失风险', en: 'CLV and churn risk' },
  products: { zh: '商品与内容', en: 'Products and content' },
  community: { zh: '社群运营', en: 'Community groups (社群)' },
  channels: { zh: '渠道与导购', en: 'Channels and store guides' },
  campaigns: { zh: '营销活动', en: 'Campaigns' },
  compliance: { zh: '数据质量与合规', en: 'Data quality and compliance' },
  risks: { zh: '风险提示', en: 'Risks' },
  recommendations: { zh: '优化建议', en: 'Recommendations' },
};

export const UI: Record<string, Text> = {
  reportTitle: { zh: '零售私域流量运营数据洞察与营销优化报告', en: 'Retail private-domain operations insight & marketing optimisation report' },
  period: { zh: '报告期', en: 'Period' },
  generated: { zh: '生成时间', en: 'Generated' },
  contents: { zh: '目录', en: 'Contents' },
  topFindings: { zh: '关键发现（按影响排序）', en: 'Top findings (ranked by impact)' },
  why: { zh: '为何重要', en: 'Why it matters' },
  evidence: { zh: '证据', en: 'Evidence' },
  significance: { zh: '显著性', en: 'Significance' },
  audience: { zh: '目标人数', en: 'Audience' },
  expected: { zh: '预期收益', en: 'Expected impact' },
  assumption: { zh: '测算假设', en: 'Assumption' },
  channel: { zh: '可用渠道（已获同意）', en: 'Channels allowed by consent' },
  segment: { zh: '执行人群', en: 'Segment to act on it' },
  omitted: { zh: '未纳入的章节', en: 'Chapters left out' },
  current: { zh: '本期', en: 'This period' },
  previous: { zh: '环比', en: 'vs previous' },
  lastYear: { zh: '同比', en: 'vs last year' },
  target: { zh: '目标', en: 'Target' },
  impact: { zh: '影响', en: 'Impact' },
  rank: { zh: '排名', en: 'Rank' },
  none: { zh: '无', en: 'none' },
  reachable: { zh: '可触达', en: 'reachable' },
  omittedFindings: { zh: '因数据不足未纳入的发现', en: 'Findings left out for too little data' },
  brandless: { zh: '（未设置品牌名称：siyu workspace set --name）', en: '(no brand name set: siyu workspace set --name)' },
};

export const t = (x: Text, lang: Lang): string => x[lang];

/** What a finding needs of the data, and what there is ("数据要求：至少 180 天订单数据（现有 700 天）"). */
export function minimumText(minDays: number, dataDays: number, lang: Lang): string {
  return lang === 'zh' ? `数据要求：至少 ${minDays} 天订单数据（现有 ${dataDays} 天）` : `Needs at least ${minDays} days of orders (there are ${dataDays})`;
}

export { fmtCount, fmtCountExact, fmtYuan, fmtYuanExact, fmtPct, fmtChange, fmtPp, fmtP } from './format.ts';

/** Both languages from one template function: `both((l) => …)`. */
export function both(f: (lang: Lang) => string): Text {
  return { zh: f('zh'), en: f('en') };
}
