/** Masked forms shown by default (脱敏): 138****5678, 张*, a***@example.com. */

export function maskPhone(e164: string): string {
  const d = e164.replace(/^\+86/, '');
  if (d.length < 7) return '*'.repeat(d.length);
  return `${d.slice(0, 3)}****${d.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const [user, domain] = email.split('@');
  if (!domain) return '***';
  return `${user.slice(0, 1)}***@${domain}`;
}

/** 张三 → 张*, 欧阳娜娜 → 欧***, John Smith → J*** */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

export function maskId(id: string): string {
  if (id.length <= 4) return '****';
  return `${id.slice(0, 2)}****${id.slice(-2)}`;
}

export function maskIdentifier(type: string, normalized: string): string {
  if (type === 'phone') return maskPhone(normalized);
  if (type === 'email') return maskEmail(normalized);
  return maskId(normalized);
}

const PHONE_IN_TEXT = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g;
const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Masks any phone number or e-mail address found in free text (a safety net for responses and exports). */
export function maskText(text: string): string {
  return text
    .replace(PHONE_IN_TEXT, (m) => maskPhone(m.replace(/[^\d]/g, '').replace(/^86(?=1\d{10}$)/, '')))
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m));
}

/** `maskText` over every string inside a JSON-like value (objects, arrays), keys kept. */
export function maskTextIn<T>(v: T, depth = 0): T {
  if (typeof v === 'string') return maskText(v) as T;
  if (v === null || typeof v !== 'object' || depth > 32) return v;
  if (Array.isArray(v)) return v.map((x) => maskTextIn(x, depth + 1)) as T;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskTextIn(x, depth + 1)])) as T;
}
