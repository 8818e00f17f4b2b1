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
