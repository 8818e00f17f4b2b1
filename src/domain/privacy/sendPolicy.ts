/**
 * When marketing may reach a customer (营销触达规则): quiet hours (免打扰时段) and frequency caps (频次上限) per
 * channel, as values for the sender to come (nothing sends yet; GET /api/v1/lint/policy shows them). Pure: times in,
 * decisions out.
 *
 * Defaults: no marketing between 21:00 and 08:00 in the workspace's zone (the hours MIIT and the carriers treat
 * as off-limits for commercial SMS), and at most 1 SMS a day / 2 a week / 4 a month per customer.
 */
import type { CopyChannel } from './adlaw.ts';

export interface QuietHours {
  /** Local 'HH:MM' when quiet begins (inclusive) and ends (exclusive); may wrap midnight. */
  start: string;
  end: string;
  timezone: string;
}

export interface FrequencyCap {
  perDay: number;
  perWeek: number;
  perMonth: number;
}

export interface SendPolicy {
  quietHours: QuietHours;
  caps: Record<CopyChannel, FrequencyCap>;
}

export const DEFAULT_SEND_POLICY: SendPolicy = {
  quietHours: { start: '21:00', end: '08:00', timezone: 'Asia/Shanghai' },
  caps: {
    sms: { perDay: 1, perWeek: 2, perMonth: 4 },
    email: { perDay: 1, perWeek: 3, perMonth: 8 },
    wecom: { perDay: 1, perWeek: 3, perMonth: 10 },
    push: { perDay: 2, perWeek: 7, perMonth: 20 },
    mini_program: { perDay: 2, perWeek: 7, perMonth: 20 },
    other: { perDay: 1, perWeek: 3, perMonth: 8 },
  },
};

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + (m || 0);
}

/** Minutes since local midnight of `at` in `timezone`. */
function localMinutes(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const h = Number(parts.find((p) => p.type === 'hour')?.value);
  const m = Number(parts.find((p) => p.type === 'minute')?.value);
  return h * 60 + m;
}

/** True when `at` falls inside the quiet hours. */
export function inQuietHours(at: Date, q: QuietHours = DEFAULT_SEND_POLICY.quietHours): boolean {
  const t = localMinutes(at, q.timezone);
  const s = minutes(q.start);
  const e = minutes(q.end);
  return s <= e ? t >= s && t < e : t >= s || t < e;
}

/** The first moment at or after `at` outside quiet hours (to the minute). */
export function nextSendTime(at: Date, q: QuietHours = DEFAULT_SEND_POLICY.quietHours): Date {
  if (!inQuietHours(at, q)) return at;
  const t = localMinutes(at, q.timezone);
  const e = minutes(q.end);
  const wait = (e - t + 1440) % 1440;
  const next = new Date(at.getTime() + wait * 60_000);
  next.setUTCSeconds(0, 0);
  return next;
}

const DAY = 86_400_000;

/**
 * Whether one more message on a channel stays within the cap, given the times earlier messages were sent to the
 * same customer on that channel. Windows are rolling: 24 hours, 7 days, 30 days.
 */
export function withinFrequencyCap(sentAt: Date[], at: Date, cap: FrequencyCap): { ok: boolean; reason?: 'per_day' | 'per_week' | 'per_month' } {
  const since = (ms: number) => sentAt.filter((d) => d.getTime() > at.getTime() - ms && d.getTime() <= at.getTime()).length;
  if (since(DAY) >= cap.perDay) return { ok: false, reason: 'per_day' };
  if (since(7 * DAY) >= cap.perWeek) return { ok: false, reason: 'per_week' };
  if (since(30 * DAY) >= cap.perMonth) return { ok: false, reason: 'per_month' };
  return { ok: true };
}
