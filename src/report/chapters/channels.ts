/** 渠道与导购: GMV credited to each channel (first touch, last touch, linear) and the store guides' scorecard. */
import type { ChapterBuilder } from '../context.ts';
import type { Chart, Text } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtPct, fmtYuan } from '../i18n.ts';
import { codeName } from '../labels.ts';
import { staffLabels, staffNames } from '../queries/staffNames.ts';
import { channelContribution, staffScorecard } from '../../insight/engagement.ts';

export const channelsChapter: ChapterBuilder = {
  key: 'channels',
  async build(ctx) {
    const { app, window: w } = ctx;
    const filters = { from: w.from, to: w.to };
    const [ch, st] = await Promise.all([channelContribution(app, { filters }), staffScorecard(app, { filters })]);
    const channels = ch.channels.filter((c) => c.channel && c.last_touch_gmv + c.first_touch_gmv > 0);
    const staff = st.staff.filter((s) => s.credited_gmv > 0 || s.contacts > 0);
    const charts: Chart[] = [];
    const facts: { label: Text; value: Text }[] = [];
    if (channels.length) {
      charts.push({
        id: 'channels-attribution', kind: 'bar', unit: 'yuan',
        title: both((l) => (l === 'zh' ? '各渠道成交额归因' : 'GMV credited per channel')),
        categories: channels.map((c) => codeName(c.channel)),
        series: [
          { name: both((l) => (l === 'zh' ? '首次触点' : 'First touch')), data: channels.map((c) => c.first_touch_gmv) },
          { name: both((l) => (l === 'zh' ? '末次触点' : 'Last touch')), data: channels.map((c) => c.last_touch_gmv) },
          { name: both((l) => (l === 'zh' ? '线性' : 'Linear')), data: channels.map((c) => c.linear_gmv) },
        ],
      });
      const total = channels.reduce((s, c) => s + c.linear_gmv, 0);
      const top = [...channels].sort((a, b) => b.linear_gmv - a.linear_gmv)[0];
      const opener = [...channels].sort((a, b) => (b.first_touch_gmv - b.last_touch_gmv) - (a.first_touch_gmv - a.last_touch_gmv))[0];
      facts.push({ label: both((l) => (l === 'zh' ? '主力渠道' : 'Leading channel')), value: both((l) => (l === 'zh'
        ? `${codeName(top.channel).zh}（线性归因 ${fmtYuan(top.linear_gmv, l)}，占 ${fmtPct(total ? top.linear_gmv / total : 0)}）`
        : `${codeName(top.channel).en} (${fmtYuan(top.linear_gmv, l)} linear credit, ${fmtPct(total ? top.linear_gmv / total : 0)})`)) });
      if (opener.first_touch_gmv > opener.last_touch_gmv) {
        facts.push({ label: both((l) => (l === 'zh' ? '种草型渠道' : 'Opening channel')), value: both((l) => (l === 'zh'
          ? `${codeName(opener.channel).zh}：首次触点 ${fmtYuan(opener.first_touch_gmv, l)} 高于末次触点 ${fmtYuan(opener.last_touch_gmv, l)}，按末次触点评估会低估它`
          : `${codeName(opener.channel).en}: ${fmtYuan(opener.first_touch_gmv, l)} first-touch against ${fmtYuan(opener.last_touch_gmv, l)} last-touch; last-touch reporting undervalues it`)) });
      }
    }
    if (staff.length) {
      const top = staff.slice(0, 10);
      const names = await staffNames(app.warehouse, app.workspaceId);
      const [zhLabels, enLabels] = [staffLabels(top, names, 'zh'), staffLabels(top, names, 'en')];
      charts.push({
        id: 'channels-staff', kind: 'hbar', unit: 'yuan',
        title: both((l) => (l === 'zh' ? '导购业绩前 10（归属订单成交额）' : 'Top 10 store guides by credited GMV')),
        categories: zhLabels.map((zh, i) => ({ zh, en: enLabels[i] })),
        series: [{ name: both((l) => (l === 'zh' ? '成交额' : 'GMV')), data: top.map((s) => s.credited_gmv) }],
      });
      const contacts = staff.reduce((s, x) => s + x.contacts, 0);
      const active = staff.reduce((s, x) => s + x.active_contacts, 0);
      facts.push({ label: both((l) => (l === 'zh' ? '导购企微好友' : 'Guides\' WeCom contacts')), value: both((l) => (l === 'zh'
        ? `${staff.length} 位导购共 ${fmtCount(contacts, l)} 位好友，本期下单 ${fmtCount(active, l)} 位（${fmtPct(contacts ? active / contacts : 0)}）`
        : `${staff.length} guides hold ${fmtCount(contacts, l)} contacts; ${fmtCount(active, l)} ordered this period (${fmtPct(contacts ? active / contacts : 0)})`)) });
    }
    if (!charts.length) return { omitted: both((l) => (l === 'zh' ? '订单没有渠道或导购信息。' : 'The orders carry no channel or store-guide information.')) };
    return {
      chapter: {
        key: 'channels', title: CHAPTER_TITLES.channels, findings: [], charts, facts,
        lead: both((l) => (l === 'zh' ? `${w.from} 至 ${w.to} 各渠道的成交归因（回看 ${ch.lookback_days} 天触点）与导购表现（洞察引擎）。` : `Channel attribution (${ch.lookback_days}-day touch look-back) and store-guide performance from ${w.from} to ${w.to} (the insight engine).`)),
      },
    };
  },
};
