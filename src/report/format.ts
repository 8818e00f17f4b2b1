/**
 * Numbers as the report prints them (数字格式). Two kinds:
 * - *compact*, for sentences: zh counts and amounts from ten thousand up in 万 / 亿 with up to two decimals
 *   ("63.21万", "11万", "10亿"); en amounts in k / M / B with three significant digits ("¥632k", "¥1.23M").
 * - *exact*, for KPI tiles and tables: grouped to the unit ("¥632,145", "23,570"), cents below ¥1,000.
 * Trailing zeros are dropped only after a decimal point — never from a whole number — and a value that rounds up
 * to the next unit is written in that unit ("¥1亿", not "¥10000万").
 */
import type { Lang } from './model.ts';

const GROUP = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const CENTS = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `x` to `digits` decimals, trailing zeros after the point dropped ("12.30" → "12.3", "110" stays "110"). */
export function decimals(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Decimals giving three significant digits for 1 ≤ x < 1000. */
const sig3 = (x: number) => (x < 10 ? 2 : x < 100 ? 1 : 0);

interface Unit { size: number; suffix: string; digits: (x: number) => number }

const ZH_UNITS: Unit[] = [
  { size: 1e8, suffix: '亿', digits: () => 2 },
  { size: 1e4, suffix: '万', digits: () => 2 },
];
const EN_UNITS: Unit[] = [
  { size: 1e9, suffix: 'B', digits: sig3 },
  { size: 1e6, suffix: 'M', digits: sig3 },
  { size: 1e3, suffix: 'k', digits: sig3 },
];

/**
 * |n| in the largest unit it reaches, or null below the smallest (`from`: where units start). Rounding is checked:
 * 99,999,999 is "1亿", 999,999 is "1M".
 */
function inUnits(a: number, units: Unit[], from: number): string | null {
  if (a < from) return null;
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (a < u.size) continue;
    const x = a / u.size;
    const s = decimals(x, u.digits(x));
    const bigger = units[i - 1];
    if (bigger && Number(s) * u.size >= bigger.size) return `${decimals(a / bigger.size, bigger.digits(a / bigger.size))}${bigger.suffix}`;
    return `${s}${u.suffix}`;
  }
  return null;
}

const sign = (n: number) => (n < 0 ? '-' : '');
const finite = (n: number) => Number.isFinite(n);

/** A count for a sentence: zh "2.36万" from ten thousand up; en grouped in full ("23,570"). */
export function fmtCount(n: number, lang: Lang): string {
  if (!finite(n)) return '—';
  const r = Math.round(n);
  const a = Math.abs(r);
  const u = lang === 'zh' ? inUnits(a, ZH_UNITS, 1e4) : null;
  return u ? `${sign(r)}${u}` : `${sign(r)}${GROUP.format(a)}`;
}

/** A whole count grouped to the unit, both languages ("23,570"): tiles and tables. */
export function fmtCountExact(n: number): string {
  if (!finite(n)) return '—';
  const r = Math.round(n);
  return `${sign(r)}${GROUP.format(Math.abs(r))}`;
}

/** Below ten thousand: whole yuan without decimals, otherwise with cents ("¥1", "¥0.01", "¥85.50", "¥9,999.99"). */
function smallYuan(a: number): string {
  const cents = Math.round(a * 100);
  if (cents % 100 === 0) return GROUP.format(cents / 100);
  return CENTS.format(cents / 100);
}

/** An amount for a sentence: zh "¥63.21万" / "¥10亿", en "¥632k" / "¥1.23M" from ten thousand up. */
export function fmtYuan(n: number, lang: Lang): string {
  if (!finite(n)) return '—';
  const a = Math.abs(n);
  const rounded = Math.round(a * 100) / 100;
  const u = lang === 'zh' ? inUnits(rounded, ZH_UNITS, 1e4) : inUnits(rounded, EN_UNITS, 1e4);
  return `${rounded === 0 ? '' : sign(n)}¥${u ?? smallYuan(rounded)}`;
}

/** An amount to the unit, both languages: whole yuan grouped from ¥1,000, cents below ("¥632,145", "¥85.37"). */
export function fmtYuanExact(n: number): string {
  if (!finite(n)) return '—';
  const a = Math.abs(n);
  const body = a >= 1000 ? GROUP.format(Math.round(a)) : CENTS.format(Math.round(a * 100) / 100);
  return `${Number(body.replace(/,/g, '')) === 0 ? '' : sign(n)}¥${body}`;
}

/** A share 0–1 as a percentage ("12.3%"). */
export function fmtPct(share: number, digits = 1): string {
  if (!finite(share)) return '—';
  const s = (share * 100).toFixed(digits);
  return `${Number(s) === 0 ? s.replace(/^-/, '') : s}%`;
}

/** A relative change as a signed percentage ("+12.3%"), or "—" when there is no base. */
export function fmtChange(c: number | null | undefined): string {
  if (c === null || c === undefined || !finite(c)) return '—';
  const s = (c * 100).toFixed(1);
  return Number(s) === 0 ? '0.0%' : `${c > 0 ? '+' : ''}${s}%`;
}

/** A percentage-point difference between two shares ("+3.2 pp" / "+3.2个百分点"). */
export function fmtPp(d: number, lang: Lang): string {
  if (!finite(d)) return '—';
  const v = (d * 100).toFixed(1);
  const s = Number(v) === 0 ? '0.0' : `${d > 0 ? '+' : ''}${v}`;
  return lang === 'zh' ? `${s}个百分点` : `${s} pp`;
}

export function fmtP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}
