/**
 * Instants as people read them (本地时间): a moment printed in the workspace's zone with its offset, ISO 8601
 * (`2026-06-04T20:12:00+08:00`), so a 20:12 Beijing order reads 20:12 and still names one instant. The stores keep
 * instants in UTC — warehouse timestamps as naive UTC (`2026-06-04 12:12:00`), state columns as epoch milliseconds —
 * and every output of insight goes through `localInstant`. Pure: the zone rules are the runtime's (Intl, IANA tz).
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** A stored instant: epoch ms, a Date, naive UTC text (`YYYY-MM-DD HH:MM:SS[.ffffff]`) or ISO text with a zone. */
export type InstantInput = number | Date | string;

/**
 * Epoch milliseconds of a stored instant; NaN when it is not one (a calendar day alone is not). Naive text is UTC
 * (how the warehouse stores it).
 */
export function instantMs(v: InstantInput): number {
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.getTime();
  const s = v.trim();
  const naive = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(\.\d+)?$/.exec(s);
  if (naive) return Date.parse(`${naive[1]}T${naive[2]}${naive[3] ? naive[3].slice(0, 4) : ''}Z`);
  return /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}(:?\d{2})?)$/.test(s) ? Date.parse(s.replace(' ', 'T')) : NaN;
}

/** The zone's offset from UTC at an instant, in whole minutes (east positive). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const x of formatIn(timeZone).formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

function offsetText(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * An instant in `timeZone` with its offset: `2026-06-04 12:12:00` (UTC) in Asia/Shanghai → `2026-06-04T20:12:00+08:00`.
 * Milliseconds appear only when there are any. Null in, null out; text that is not an instant is returned unchanged.
 */
export function localInstant(v: InstantInput, timeZone: string): string;
export function localInstant(v: InstantInput | null | undefined, timeZone: string): string | null;
export function localInstant(v: InstantInput | null | undefined, timeZone: string): string | null {
  if (v === null || v === undefined) return null;
  const ms = instantMs(v);
  if (!Number.isFinite(ms)) return typeof v === 'string' ? v : null;
  const off = offsetMinutes(ms, timeZone);
  const iso = new Date(ms + off * 60_000).toISOString().replace('Z', '').replace(/\.000$/, '');
  return `${iso}${offsetText(off)}`;
}
