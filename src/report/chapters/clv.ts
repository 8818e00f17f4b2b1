/** 客户终身价值与流失风险: the BG/NBD + Gamma-Gamma scores — where future value sits and who is slipping away. */
import type { ChapterBuilder } from '../context.ts';
import type { Chart, Finding } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtPct, fmtYuan } from '../i18n.ts';
import { clvSummary } from '../queries/clvScores.ts';
import { fitBgNbdModel, fitGammaGammaModel } from '../../models/fit.ts';
import { scoreClv } from '../../models/score.ts';

const HORIZON = 12;
const P_ALIVE_RISK = 0.5;
/** Half a year of orders before a customer's buying rhythm says anything about their being alive. */
const MIN_SPAN_DAYS = 180;

export const clvChapter: ChapterBuilder = {
  key: 'clv',
  async build(ctx) {
    const { app, window: w } = ctx;
    let s = await clvSummary(app.warehouse, { ws: app.workspaceId, palive: P_ALIVE_RISK });
    let fittedHere = false;
    if (s.customers === 0 || (s.asOf !== null && s.asOf < w.to.slice(0, 7))) {
      try {
        await fitBgNbdModel(app, { calibrationEnd: w.to });
        await fitGammaGammaModel(app, { calibrationEnd: w.to });
        await scoreClv(app, { asOf: w.to, horizonMonths: HORIZON, discountRate: 0.1 });
        fittedHere = true;
      } catch (e) {
        const why = (e as Error).message.split('\n')[0];
        return { omitted: both((l) => (l === 'zh' ? `CLV 模型无法在这些数据上拟合（${why}）。` : `The CLV models could not be fitted on this data (${why}).`)) };
      }
      s = await clvSummary(app.warehouse, { ws: app.workspaceId, palive: P_ALIVE_RISK });
    }
    if (s.customers === 0) return { omitted: both((l) => (l === 'zh' ? '没有可评分的客户。' : 'No customer could be scored.')) };
    const bandChart: Chart = {
      id: 'clv-palive', kind: 'bar', unit: 'count',
      title: both((l) => (l === 'zh' ? '客户按存活概率 P(alive) 分布' : 'Customers by probability of being alive, P(alive)')),
      categories: s.bands.map((b) => ({ zh: b.band, en: b.band })),
      series: [{ name: both((l) => (l === 'zh' ? '客户数' : 'Customers')), data: s.bands.map((b) => b.customers) }],
    };
    const decileChart: Chart = {
      id: 'clv-deciles', kind: 'bar', unit: 'percent',
      title: both((l) => (l === 'zh' ? `未来 ${HORIZON} 个月 CLV 按客户十分位的占比` : `Share of ${HORIZON}-month CLV by customer decile`)),
      categories: s.deciles.map((d) => ({ zh: `第 ${d.decile} 组`, en: `D${d.decile}` })),
      series: [{ name: both((l) => (l === 'zh' ? 'CLV 占比' : 'Share of CLV')), data: s.deciles.map((d) => (s.totalClv ? d.clv / s.totalClv : 0)) }],
    };
    const top2 = s.totalClv ? s.deciles.filter((d) => d.decile <= 2).reduce((a, d) => a + d.clv, 0) / s.totalClv : 0;
    const findings: Finding[] = [];
    const r = s.atRisk;
    if (r.customers > 0) {
      findings.push({
        id: 'clv-at-risk', chapter: 'clv', minSpanDays: MIN_SPAN_DAYS, impact: r.pastSpend * 0.25, impactBasis: 'yuan', chart: bandChart, tags: ['churn_risk'],
        title: both((l) => (l === 'zh' ? `${fmtCount(r.customers, l)} 位高消费客户的存活概率已低于 ${fmtPct(P_ALIVE_RISK, 0)}` : `${fmtCount(r.customers, l)} high-spending customers have P(alive) below ${fmtPct(P_ALIVE_RISK, 0)}`)),
        statement: both((l) => (l === 'zh'
          ? `历史消费高于中位数的客户中，有 ${fmtCount(r.customers, l)} 位按 BG/NBD 模型（截至 ${s.asOf}）仍"存活"的概率不足 ${fmtPct(P_ALIVE_RISK, 0)}；他们过去共消费 ${fmtYuan(r.pastSpend, l)}，模型预计未来 ${HORIZON} 个月只再贡献 ${fmtYuan(r.clv, l)}。`
          : `Among customers with above-median past spend, ${fmtCount(r.customers, l)} have under ${fmtPct(P_ALIVE_RISK, 0)} probability of still being active by the BG/NBD model (as of ${s.asOf}); they spent ${fmtYuan(r.pastSpend, l)} in the past and are expected to bring only ${fmtYuan(r.clv, l)} in the next ${HORIZON} months.`)),
        why: both((l) => (l === 'zh' ? '这是流失风险最集中的高价值人群：模型依据其购买节奏判断，比固定天数阈值更早发出预警。' : 'This is where churn risk and value meet: the model reads each customer\'s own buying rhythm, warning earlier than a fixed day threshold.')),
      });
    }
    return {
      chapter: {
        key: 'clv', title: CHAPTER_TITLES.clv, findings, charts: [...(findings.length ? [] : [bandChart]), decileChart],
        tiles: [
          { key: 'clv_total', label: { zh: `未来 ${HORIZON} 个月预测 CLV`, en: `Predicted ${HORIZON}-month CLV` }, value: s.totalClv, unit: 'yuan' },
          { key: 'clv_top20', label: { zh: '前 20% 客户的 CLV 占比', en: 'CLV share of the top 20%' }, value: top2, unit: 'percent' },
          { key: 'clv_customers', label: { zh: '已评分客户', en: 'Customers scored' }, value: s.customers, unit: 'count' },
        ],
        lead: both((l) => (l === 'zh'
          ? `BG/NBD + Gamma-Gamma 模型（第 ${s.version} 版，数据截至 ${s.asOf}${fittedHere ? '，本报告生成时拟合' : ''}）为 ${fmtCount(s.customers, l)} 位客户评分：预计未来 ${HORIZON} 个月共贡献 ${fmtYuan(s.totalClv, l)}（年折现率 10%），其中前 20% 的客户占 ${fmtPct(top2)}。`
          : `The BG/NBD + Gamma-Gamma models (version ${s.version}, data to ${s.asOf}${fittedHere ? ', fitted for this report' : ''}) scored ${fmtCount(s.customers, l)} customers: ${fmtYuan(s.totalClv, l)} expected over the next ${HORIZON} months (10% yearly discount), ${fmtPct(top2)} of it from the top 20%.`)),
      },
    };
  },
};
