/**
 * Time windows for metrics (统计周期). A window is two local calendar days, both inclusive (YYYY-MM-DD). A metric
 * is compared with the previous period (环比: the same number of days just before) and the same period last year
 * (同比: both ends moved back one calendar year; 29 Feb becomes 28 Feb).
 */
export interface DayWindow {
  from: string;
  to: string;
}

const DAY = 86_400_000;
const parse = (d: string) => Date.parse(`${d}T00:00:00Z`);
const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function isDay(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(parse(s)) && fmt(parse(s)) === s;
}

export function addDays(day: string, n: number): string {
  return fmt(parse(day) + n * DAY);
}

/** Days in the window, both ends counted. */
export function windowDays(w: DayWindow): number {
  return Math.round((parse(w.to) - parse(w.from)) / DAY) + 1;
}

/** 环比: the window of equal length ending the day before `w.from`. */
export function previousPeriod(w: DayWindow): DayWindow {
  const n = windowDays(w);
  return { from: addDays(w.from, -n), to: addDays(w.from, -1) };
}

function minusYear(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const last = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return `${String(y - 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** 同比: the same calendar days one year earlier. */
export function samePeriodLastYear(w: DayWindow): DayWindow {
  return { from: minusYear(w.from), to: minusYear(w.to) };
}

/** Relative change (current − base) ÷ base; null when the base is 0 or missing. */
export function change(current: number | null, base: number | null): number | null {
  if (current === null || base === null || base === 0) return null;
  return (current - base) / base;
}
