/**
 * Identifier normalisation before hashing, so that the same person's identifier hashes the same whatever the
 * export wrote: phones to E.164 (+86 by default), e-mails trimmed and lower-cased, WeChat/WeCom ids namespaced.
 */

export type IdType = 'phone' | 'email' | 'unionid' | 'openid' | 'external_userid' | 'member_no' | 'device_id' | 'anonymous_id' | 'user_id';
export const ID_TYPES: IdType[] = ['phone', 'email', 'unionid', 'openid', 'external_userid', 'member_no', 'device_id', 'anonymous_id', 'user_id'];

/** Mainland mobile numbers: 11 digits starting 13–19. */
const CN_MOBILE = /^1[3-9]\d{9}$/;

/**
 * `+86 138 1234 5678`, `138-1234-5678`, `8613812345678`, `0086 13812345678`, `'13812345678` → `+8613812345678`.
 * Returns null for anything that is not a valid number, including masked ones (`138****5678`).
 */
export function normalizePhone(raw: string, defaultCountry = '86'): string | null {
  let s = String(raw).trim().replace(/^'+/, '').replace(/^="?|"$/g, '');
  if (!s || /[*xX]{2,}/.test(s)) return null;
  const plus = s.startsWith('+');
  s = s.replace(/[\s\-().]/g, '');
  if (plus) s = s.slice(1);
  if (!/^\d+$/.test(s)) return null;
  if (s.startsWith('00')) s = s.slice(2);
  if (s.startsWith('86') && s.length === 13 && CN_MOBILE.test(s.slice(2))) return `+${s}`;
  if (!plus && CN_MOBILE.test(s)) return `+${defaultCountry}${s}`;
  if (plus && s.length >= 8 && s.length <= 15 && !s.startsWith('86')) return `+${s}`;
  return null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function normalizeEmail(raw: string): string | null {
  const s = String(raw).trim().toLowerCase();
  return EMAIL.test(s) ? s : null;
}

/**
 * A value an export has already masked (138****5678, 张**, t**1, a***@qq.com): never a join key, whatever its type —
 * every buyer an export shows as 张** would otherwise become one customer.
 */
export const MASKED = /\*{2,}/;

/** Normalises one identifier of a type; null when it is not a usable identifier (missing, invalid or masked). */
export function normalizeIdentifier(type: IdType, raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const s = String(raw).trim().replace(/^'+/, '').replace(/^="|"$/g, '');
  if (!s || MASKED.test(s)) return null;
  switch (type) {
    case 'phone':
      return normalizePhone(s);
    case 'email':
      return normalizeEmail(s);
    case 'member_no':
      return s.toUpperCase();
    default:
      return s;
  }
}
