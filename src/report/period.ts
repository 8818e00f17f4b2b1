/**
 * The report's period from the options and the data (报告期): the default month (domain/periods.ts), `--to` alone
 * (the month of that day up to it), whether the period is partial and why, the calendar periods it is compared with,
 * and the clear warnings: a store without orders, a period without orders.
 */
import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import type { Text } from './model.ts';
import { dataSpan, ordersIn } from './queries/dataSpan.ts';
import {
  coveredPart, defaultPeriod, monthStart, partiality, previousCalendarPeriod, samePeriodLastYear, type Partial, type Period,
} from './domain/periods.ts';

export interface ReportPeriod {
  window: Period;
  /** First and last order day of the store. */
  orders: { first: string; last: string };
  lastEvent: string | null;
  /** The part of the window the orders cover: comparisons are of these days. */
  covered: Period;
  /** 环比 and 同比 windows. */
  previous: Period;
  lastYear: Period;
  /** Why the period is a partial month, said at the top of the report; null for whole months of data. */
  partial: Text | null;
}

const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

export async function resolvePeriod(app: App, opts: { from?: string; to?: string }): Promise<ReportPeriod> {
  for (const k of ['from', 'to'] as const) {
    const v = opts[k];
    if (v !== undefined && !isDay(v)) throw new UserError('bad_date', `--${k} must be a day YYYY-MM-DD, not '${v}'.`, `--${k} 必须是日期 YYYY-MM-DD，而不是 '${v}'。`);
  }
  const span = await dataSpan(app.warehouse, app.workspaceId);
  if (!span.first || !span.last) {
    throw new UserError('no_orders', 'The store has no orders yet: the report is about orders and customers — import orders (siyu import) or load the demo (siyu demo) first.',
      '数据库中还没有订单：报告基于订单与客户，请先导入订单（siyu import）或加载演示数据（siyu demo）。');
  }
  const orders = { first: span.first, last: span.last };
  const def = opts.to ? { from: monthStart(opts.to), to: opts.to } : defaultPeriod(orders.first, orders.last);
  const window = { from: opts.from ?? def.from, to: opts.to ?? (opts.from && opts.from > def.to ? orders.last : def.to) };
  if (window.from > window.to) throw new UserError('bad_window', `--from ${window.from} is after --to ${window.to}.`, `--from ${window.from} 晚于 --to ${window.to}。`);
  if (await ordersIn(app.warehouse, app.workspaceId, window) === 0) {
    throw new UserError('no_orders_in_period',
      `No orders between ${window.from} and ${window.to}: there is nothing to report on. The orders cover ${orders.first} to ${orders.last}; choose a period inside it (--from/--to), or import that period's orders.`,
      `${window.from} 至 ${window.to} 没有任何订单，无从出具报告。现有订单覆盖 ${orders.first} 至 ${orders.last}：请在此范围内选择报告期（--from/--to），或先导入该期间的订单。`);
  }
  const covered = coveredPart(window, orders);
  const previous = previousCalendarPeriod(covered);
  const lastYear = samePeriodLastYear(covered);
  const why = partiality(window, orders);
  return { window, orders, lastEvent: span.lastEvent, covered, previous, lastYear, partial: why ? partialNote(why, window, previous) : null };
}

function partialNote(p: Partial, w: Period, prev: Period): Text {
  const cmp = { zh: `环比对比 ${prev.from} 至 ${prev.to}`, en: `compared with ${prev.from} to ${prev.to}` };
  if (p.kind === 'orders_end') {
    return {
      zh: `不完整月份：订单数据截至 ${p.ordersTo}，报告期 ${w.from} 至 ${w.to} 的 ${p.of} 天中只有 ${p.days} 天有订单数据；${cmp.zh}（相同天数）。`,
      en: `Partial month: the orders end on ${p.ordersTo}, so only ${p.days} of the period's ${p.of} days have order data; ${cmp.en} (the same days).`,
    };
  }
  if (p.kind === 'orders_start') {
    return {
      zh: `不完整月份：订单数据从 ${p.ordersFrom} 开始，报告期 ${w.from} 至 ${w.to} 的 ${p.of} 天中只有 ${p.days} 天有订单数据。`,
      en: `Partial month: the orders begin on ${p.ordersFrom}, so only ${p.days} of the period's ${p.of} days have order data.`,
    };
  }
  return {
    zh: `不完整月份：报告期 ${w.from} 至 ${w.to} 只含所在月份 ${p.of} 天中的 ${p.days} 天；${cmp.zh}。`,
    en: `Partial month: the period ${w.from} to ${w.to} holds ${p.days} of its month's ${p.of} days; ${cmp.en}.`,
  };
}
