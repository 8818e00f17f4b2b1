/**
 * The demo brand's calendar (日历与季节性). Times are epoch seconds (UTC); the brand lives in Asia/Shanghai (UTC+8,
 * no daylight saving). A daily intensity s(d) — weekends, the weeks before Spring Festival (春节) and its quiet
 * holiday week, 618 and Double 11 (双11) — is normalised to mean 1 over the horizon. Purchases run on the
 * "operational clock" τ(t) = ∫ s: BG/NBD holds exactly in τ, and because s averages 1, calendar-time fits see it
 * almost unchanged. Within a day, times follow a diurnal curve (a monotone map, so order is kept).
 */

export const DAY = 86400;
const OFFSET = 8 * 3600;

/** Local midnight of a 'YYYY-MM-DD' date in Asia/Shanghai, as epoch seconds. */
export function localMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 1000 - OFFSET;
}

const SPRING_FESTIVALS = ['2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06'];
/** Hourly shape of activity (local hours 0–23). */
const DIURNAL = [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.6, 0.9, 1.0, 1.2, 1.4, 1.5, 1.3, 1.1, 1.1, 1.2, 1.3, 1.5, 1.8, 2.0, 1.8, 1.2, 0.6];
const DIURNAL_CDF = (() => {
  const total = DIURNAL.reduce((a, b) => a + b, 0);
  const c = [0];
  for (const w of DIURNAL) c.push(c[c.length - 1] + w / total);
  return c;
})();

export type DayKind = 'normal' | 'weekend' | 'pre_spring_festival' | 'spring_festival' | '618' | 'double11';

export class Calendar {
  readonly start: number;
  readonly end: number;
  readonly days: number;
  /** s(d), normalised to mean 1. */
  readonly intensity: Float64Array;
  /** C(d) = Σ_{k<d} s(k), in days: the operational clock at local midnight of day d. */
  readonly cumulative: Float64Array;
  readonly kinds: DayKind[];
  /** Online share boost and offline boost per day (channel mix). */
  readonly onlineBoost: Float64Array;
  readonly offlineBoost: Float64Array;

  constructor(startDate: string, endDate: string) {
    this.start = localMidnight(startDate);
    this.end = localMidnight(endDate);
    this.days = Math.round((this.end - this.start) / DAY);
    this.intensity = new Float64Array(this.days);
    this.onlineBoost = new Float64Array(this.days).fill(1);
    this.offlineBoost = new Float64Array(this.days).fill(1);
    this.kinds = [];
    const festivals = SPRING_FESTIVALS.map((d) => Math.round((localMidnight(d) - this.start) / DAY));
    for (let d = 0; d < this.days; d++) {
      const date = new Date((this.start + d * DAY + OFFSET) * 1000);
      const month = date.getUTCMonth() + 1;
      const dom = date.getUTCDate();
      const dow = date.getUTCDay();
      let s = 1;
      let kind: DayKind = 'normal';
      if (dow === 0 || dow === 6) {
        s *= 1.25;
        this.offlineBoost[d] = 1.4;
        kind = 'weekend';
      }
      for (const f of festivals) {
        if (d >= f - 14 && d < f) { s *= 1.4; kind = 'pre_spring_festival'; }
        if (d >= f && d < f + 7) { s *= 0.5; this.offlineBoost[d] = 0.5; kind = 'spring_festival'; }
      }
      if (month === 6 && dom <= 18) {
        s *= dom === 18 ? 3 : 1.3;
        this.onlineBoost[d] = 2.5;
        kind = '618';
      }
      if ((month === 10 && dom >= 20) || (month === 11 && dom <= 11)) {
        s *= month === 11 && dom === 11 ? 4 : 1.3;
        this.onlineBoost[d] = 2.5;
        kind = 'double11';
      }
      this.intensity[d] = s;
      this.kinds.push(kind);
    }
    const mean = this.intensity.reduce((a, b) => a + b, 0) / this.days;
    this.cumulative = new Float64Array(this.days + 1);
    for (let d = 0; d < this.days; d++) {
      this.intensity[d] /= mean;
      this.cumulative[d + 1] = this.cumulative[d] + this.intensity[d];
    }
  }

  /** The operational clock at the end of the horizon (= number of days). */
  get horizon(): number {
    return this.cumulative[this.days];
  }

  dayOf(t: number): number {
    return Math.floor((t - this.start) / DAY);
  }

  /** τ(t) in operational days. */
  toClock(t: number): number {
    const x = (t - this.start) / DAY;
    const d = Math.min(Math.max(Math.floor(x), 0), this.days - 1);
    const frac = Math.min(Math.max(x - d, 0), 1);
    return this.cumulative[d] + this.intensity[d] * diurnalCdf(frac);
  }

  /** t(τ): the calendar time (epoch seconds) at operational time τ; the time of day follows the diurnal curve. */
  fromClock(tau: number): number {
    let lo = 0;
    let hi = this.days - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.cumulative[mid] <= tau) lo = mid;
      else hi = mid - 1;
    }
    const frac = Math.min(Math.max((tau - this.cumulative[lo]) / this.intensity[lo], 0), 0.999999);
    return Math.floor(this.start + lo * DAY + diurnalQuantile(frac) * DAY);
  }

  /** A calendar day drawn in proportion to weights w(d) given as a cumulative array (see `acquisitionCdf`). */
  static drawDay(cdf: Float64Array, u: number): number {
    const target = u * cdf[cdf.length - 1];
    let lo = 0;
    let hi = cdf.length - 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid + 1] <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Acquisition weights: the brand grows (×2 over the horizon) and acquires more on busy days. */
  acquisitionCdf(): Float64Array {
    const c = new Float64Array(this.days + 1);
    for (let d = 0; d < this.days; d++) c[d + 1] = c[d] + (1 + d / this.days) * this.intensity[d];
    return c;
  }

  /** A time within day d, following the diurnal curve, from a uniform u. */
  timeInDay(d: number, u: number): number {
    return Math.floor(this.start + d * DAY + diurnalQuantile(u) * DAY);
  }
}

function diurnalQuantile(u: number): number {
  let h = 0;
  while (h < 23 && DIURNAL_CDF[h + 1] <= u) h++;
  const within = (u - DIURNAL_CDF[h]) / (DIURNAL_CDF[h + 1] - DIURNAL_CDF[h]);
  return (h + Math.min(Math.max(within, 0), 0.999999)) / 24;
}

function diurnalCdf(f: number): number {
  const x = f * 24;
  const h = Math.min(Math.floor(x), 23);
  return DIURNAL_CDF[h] + (x - h) * (DIURNAL_CDF[h + 1] - DIURNAL_CDF[h]);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const dayCache = new Map<number, string>();

/** 'YYYY-MM-DD HH:MM:SS' in local time (Youzan, WeCom, canonical files); the date part is cached per day. */
export function localTime(t: number): string {
  const local = Math.floor(t) + OFFSET;
  const day = Math.floor(local / DAY);
  let date = dayCache.get(day);
  if (date === undefined) {
    const d = new Date(day * DAY * 1000);
    date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
    if (dayCache.size > 100_000) dayCache.clear();
    dayCache.set(day, date);
  }
  const sec = local - day * DAY;
  return `${date} ${pad(Math.floor(sec / 3600))}:${pad(Math.floor((sec % 3600) / 60))}:${pad(sec % 60)}`;
}

/** 'YYYY-MM-DD' local. */
export function localDate(t: number): string {
  return localTime(t).slice(0, 10);
}

/** ISO-8601 with offset: '2026-05-01T10:00:00+08:00' (JSONL events). */
export function isoLocal(t: number): string {
  return `${localTime(t).replace(' ', 'T')}+08:00`;
}

/** Shopify style: '2026-05-01 10:00:00 +0800'. */
export function shopifyTime(t: number): string {
  return `${localTime(t)} +0800`;
}
