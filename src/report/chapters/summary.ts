/** 执行摘要: the period's headline numbers against the previous period and the same period last year. */
import type { ChapterBuilder } from '../context.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtYuan } from '../i18n.ts';
import { workspaceStats } from '../../insight/queries/workspaceStats.ts';

export const summaryChapter: ChapterBuilder = {
  key: 'summary',
  async build(ctx) {
    const s = await workspaceStats(ctx.app.warehouse, ctx.app.workspaceId);
    ctx.aov = s.orders ? s.gmv / s.orders : 0;
    ctx.yuanPerCustomer = s.customers ? s.gmv / s.customers : 0;
    return {
      chapter: {
        key: 'summary', title: CHAPTER_TITLES.summary,
        lead: both((l) => l === 'zh'
          ? `数据覆盖 ${ctx.span.first} 至 ${ctx.span.last}：${fmtCount(s.customers, l)} 位客户、${fmtCount(s.orders, l)} 笔订单、${fmtCount(s.events, l)} 条行为事件，累计成交 ${fmtYuan(s.gmv, l)}。`
          : `The data runs from ${ctx.span.first} to ${ctx.span.last}: ${fmtCount(s.customers, l)} customers, ${fmtCount(s.orders, l)} orders, ${fmtCount(s.events, l)} events and ${fmtYuan(s.gmv, l)} of GMV in all.`),
        tiles: [
          { key: 'customers', label: { zh: '客户总数', en: 'Customers' }, value: s.customers, unit: 'count' },
          { key: 'orders', label: { zh: '订单数', en: 'Orders' }, value: s.orders, unit: 'count' },
          { key: 'gmv', label: { zh: '累计成交额', en: 'GMV (all time)' }, value: s.gmv, unit: 'yuan' },
        ],
        findings: [], charts: [],
      },
    };
  },
};
