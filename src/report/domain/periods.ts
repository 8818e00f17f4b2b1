/**
 * The report's periods (报告期), pure: the default period from the days the orders cover, whether a period is a
 * partial month, and the calendar periods it is compared with (环比 / 同比). Days are local 'YYYY-MM-DD'.
 *
 * - Default: the last complete calendar month covered by the orders — the month of the last order day when that
 *   day ends its month, else the month before — provided the orders start by its first day. Without such a month,
 *   the month of the last order day, from its first day to that day (a partial month, said to be partial).
 *   Events do not move it: one event dated today is not a month of data.
 * - 环比 compares calendar periods: a whole month with the whole month before (November with October 1–31), whole
 *   months with as many whole months before; the first d days of a month with the first d days of the month before;
 *   any other window with the days just before it, as many.
 * - 同比: the same calendar days one year earlier (29 Feb → 28 Feb); whole months stay whole.
 */
export interface Period {
  from: string;
  to: string;
}

const DAY = 86_400_000;
const parse = (d: string) => Date.parse(`${d}T00:00:00Z`);
const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ymd = (d: string) => d.split('-').map(Number) as [number, number, number];

export const addDays = (day: string, n: number): string => fmt(parse(day) + n * DAY);
export const daysIn = (p: Period): number => Math.round((parse(p.to) - parse(p.from)) / DAY) + 1;
export const monthStart = (day: string): string => `${day.slice(0, 7)}-01`;
export function monthEnd(day: string): string {
  const [y, m] = ymd(day);
  return fmt(Date.UTC(y, m, 0));
}
/** The first day of the month `n` months after the month of `day` (n may be negative). */
export function shiftMonth(day: string, n: number): string {
  const [y, m] = ymd(day);
  return fmt(Date.UTC(y, m - 1 + n, 1));
}
const monthsBetween = (a: string, b: string) => {
  const [ya, ma] = ymd(a);
  const [yb, mb] = ymd(b);
  return (yb - ya) * 12 + (mb - ma);
};

/** From the first day of a month to the last day of a month (one or more whole months). */
export const isWholeMonths = (p: Period): boolean => p.from === monthStart(p.from) && p.to === monthEnd(p.to) && p.from <= p.to;

/** The default period for orders from `first` to `last` (both order days), and whether it is a whole month. */
export function defaultPeriod(first: string, last: string): Period & { complete: boolean } {
  const candidate = last === monthEnd(last) ? monthStart(last) : shiftMonth(last, -1);
  if (first <= candidate) return { from: candidate, to: monthEnd(candidate), complete: true };
  return { from: monthStart(last), to: last, complete: last === monthEnd(last) && first <= monthStart(last) };
}

/** 环比: the calendar period a report period is compared with. */
export function previousCalendarPeriod(p: Period): Period {
  if (isWholeMonths(p)) {
    const n = monthsBetween(p.from, p.to) + 1;
    const from = shiftMonth(p.from, -n);
    return { from, to: monthEnd(shiftMonth(p.from, -1)) };
  }
  if (p.from === monthStart(p.from) && p.to.slice(0, 7) === p.from.slice(0, 7)) {
    const from = shiftMonth(p.from, -1);
    const d = daysIn(p);
    const end = monthEnd(from);
    return { from, to: daysIn({ from, to: end }) <= d ? end : addDays(from, d - 1) };
  }
  const n = daysIn(p);
  return { from: addDays(p.from, -n), to: addDays(p.from, -1) };
}

function minusYear(day: string): string {
  const [y, m, d] = ymd(day);
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** 同比: the same calendar days a year earlier; a whole month stays whole (February 2025 for February 2024). */
export function samePeriodLastYear(p: Period): Period {
  const from = minusYear(p.from);
  return { from, to: isWholeMonths(p) ? monthEnd(minusYear(p.to)) : minusYear(p.to) };
}

/** Why a period is partial (不完整), or null when it is whole months that the orders cover from start to end. */
export type Partial =
  | { kind: 'orders_end'; ordersTo: string; days: number; of: number }
  | { kind: 'orders_start'; ordersFrom: string; days: number; of: number }
  | { kind: 'part_of_month'; days: number; of: number };

export function partiality(p: Period, orders: { first: string; last: string }): Partial | null {
  const of = daysIn(p);
  if (orders.last < p.to) return { kind: 'orders_end', ordersTo: orders.last, days: Math.max(0, daysIn({ from: p.from, to: orders.last })), of };
  if (orders.first > p.from) return { kind: 'orders_start', ordersFrom: orders.first, days: Math.max(0, daysIn({ from: orders.first, to: p.to })), of };
  if (!isWholeMonths(p)) {
    const whole = { from: monthStart(p.from), to: monthEnd(p.to) };
    return { kind: 'part_of_month', days: of, of: daysIn(whole) };
  }
  return null;
}

/** The part of the period the orders cover (for comparisons of like with like). */
export function coveredPart(p: Period, orders: { first: string; last: string }): Period {
  return { from: p.from, to: orders.last < p.to && orders.last >= p.from ? orders.last : p.to };
}
