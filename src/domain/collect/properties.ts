import { maskIdentifier } from '../privacy/mask.ts';

/**
 * Event properties are analytics data and must carry no PII (个人信息): keys that name an identifier are dropped
 * (identity facts carry them, hashed), values that look like a phone number or an e-mail address are masked.
 * The check runs on the JSON text first, so clean events (nearly all) cost one regex test.
 */
const PII_KEY = /^\$?(phone|mobile|tel|telephone|phone_?number|mobile_?phone|email|e_?mail|real_?name|full_?name|first_?name|last_?name|nickname|nick_?name|id_?card|id_?number|address|street|birthday|birth_?date|unionid|union_?id|openid|open_?id|external_?userid|ip|\$ip|member_?no|password)$/i;
const PII_KEY_IN_TEXT = /"\$?(phone|mobile|tel|telephone|phone_?number|mobile_?phone|email|e_?mail|real_?name|full_?name|first_?name|last_?name|nickname|nick_?name|id_?card|id_?number|address|street|birthday|birth_?date|unionid|union_?id|openid|open_?id|external_?userid|ip|member_?no|password)":/i;
const PHONE = /(?<![\d])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d])/;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
/** What every e-mail address contains, anchored on the `@`: cheap to rule out (no backtracking over words). */
const EMAIL_DOMAIN = /@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE_G = new RegExp(PHONE.source, 'g');
const EMAIL_G = new RegExp(EMAIL.source, 'g');

/** The JSON text of properties safe to store. */
export function safePropertiesJson(props: unknown): string {
  if (props === null || props === undefined || typeof props !== 'object') return '{}';
  const text = JSON.stringify(props);
  // The `@domain.tld` part first: the full e-mail pattern backtracks over every word of a text that has none.
  if (!PII_KEY_IN_TEXT.test(text) && !PHONE.test(text) && !(EMAIL_DOMAIN.test(text) && EMAIL.test(text))) return text;
  return JSON.stringify(scrub(props, 0));
}

function scrub(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return maskText(v);
  if (v === null || typeof v !== 'object' || depth > 8) return v;
  if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (PII_KEY.test(k) && !(typeof x === 'object' && x !== null)) continue;
    out[k] = scrub(x, depth + 1);
  }
  return out;
}

/** A free text with its phone numbers and e-mail addresses masked (138****5678, a***@example.com). */
export function maskText(s: string): string {
  return s
    .replace(PHONE_G, (m) => maskIdentifier('phone', m.replace(/\D/g, '').slice(-11)))
    .replace(EMAIL_G, (m) => maskIdentifier('email', m.toLowerCase()));
}
