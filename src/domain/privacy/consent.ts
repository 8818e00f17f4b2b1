/**
 * The consent policy (同意策略): which purposes need which consent, and the one decision every use point asks —
 * "may we use this customer's data for this purpose now?". Pure: the customer's ledger in, a decision out.
 * The same rules are written once more as SQL (migration 030, `permitted_customers(ws, purpose)`) for bulk use;
 * a property test keeps the two identical.
 *
 * Rules (PIPL):
 * - Opt-in: every purpose needs its latest ledger entry to be `granted` — except `analytics` (aggregate
 *   statistics of the brand's own customers, processed as part of the membership contract, art. 13(2)),
 *   which is allowed until withdrawn.
 * - Withdrawal takes effect at once (art. 15): the latest entry decides.
 * - A restricted (art. 44 限制处理), erased or merged customer is used for nothing.
 * - Under 14 (art. 28 sensitive, art. 31): every purpose also needs the guardian's consent (`guardian` granted).
 * - Third-party sharing (art. 23) and each sensitive class (art. 29, `sensitive_<class>`) are separate purposes:
 *   marketing consent never implies them.
 */

export const BASE_PURPOSES = ['analytics', 'personalisation', 'marketing_sms', 'marketing_email', 'marketing_wecom', 'marketing_push', 'third_party', 'guardian'] as const;
/** Sensitive classes (敏感个人信息, art. 28): each needs its own consent. */
export const SENSITIVE_CLASSES = ['health', 'religion', 'biometric', 'financial', 'location', 'minor', 'id_card'] as const;
export type Purpose = (typeof BASE_PURPOSES)[number] | `sensitive_${(typeof SENSITIVE_CLASSES)[number]}`;
export const PURPOSES: Purpose[] = [...BASE_PURPOSES, ...SENSITIVE_CLASSES.map((c) => `sensitive_${c}` as Purpose)];

/** Purposes allowed until withdrawn (opt-out) rather than needing a grant (opt-in). */
export const OPT_OUT_PURPOSES: ReadonlySet<Purpose> = new Set(['analytics']);

export type ConsentStatus = 'granted' | 'withdrawn';

export function isPurpose(p: string): p is Purpose {
  return (PURPOSES as string[]).includes(p);
}

/** The marketing purpose for a channel: an SMS campaign needs `marketing_sms`, and so on. */
export function marketingPurpose(channel: string): Purpose {
  const c = channel === 'mini_program' ? 'push' : channel;
  const p = `marketing_${c}`;
  if (!isPurpose(p)) throw new Error(`no marketing purpose for channel ${channel}`);
  return p;
}

export interface ConsentEntry {
  purpose: string;
  status: ConsentStatus;
  /** ISO time; ties broken by id (later id wins). */
  changedAt: string;
  id?: number;
}

export interface ConsentSubject {
  status: string;                 // active | restricted | erased | merged
  isMinor?: boolean;
  birthYear?: number | null;
  birthMd?: string | null;        // 'MM-DD'
  consents: ConsentEntry[];
}

export type Decision = { allowed: true; reason: 'granted' | 'not_withdrawn' } | { allowed: false; reason: 'not_active' | 'no_consent' | 'withdrawn' | 'minor_without_guardian' };

/** The entry in force for a purpose: the latest by time, then by id. */
export function latestConsent(consents: ConsentEntry[], purpose: string): ConsentEntry | undefined {
  let best: ConsentEntry | undefined;
  for (const c of consents) {
    if (c.purpose !== purpose) continue;
    if (!best || c.changedAt > best.changedAt || (c.changedAt === best.changedAt && (c.id ?? 0) > (best.id ?? 0))) best = c;
  }
  return best;
}

/**
 * Age in whole years on `today` ('YYYY-MM-DD'). Without the month-day the birthday is taken as late in the year
 * as possible, so an unknown birthday never makes a child look older.
 */
export function ageOn(birthYear: number, birthMd: string | null | undefined, today: string): number {
  const y = Number(today.slice(0, 4));
  const md = today.slice(5, 10);
  return y - birthYear - (!birthMd || md < birthMd ? 1 : 0);
}

export const MINOR_AGE = 14;

/** Under 14 (不满十四周岁): flagged at import, or derived from the birth year and day. */
export function isMinor(s: Pick<ConsentSubject, 'isMinor' | 'birthYear' | 'birthMd'>, today: string): boolean {
  if (s.isMinor) return true;
  return s.birthYear !== null && s.birthYear !== undefined && ageOn(s.birthYear, s.birthMd, today) < MINOR_AGE;
}

/** The single decision: may this customer's data be used for this purpose today? */
export function canUse(purpose: Purpose, s: ConsentSubject, today: string): Decision {
  if (s.status !== 'active') return { allowed: false, reason: 'not_active' };
  const own = latestConsent(s.consents, purpose);
  if (OPT_OUT_PURPOSES.has(purpose)) {
    if (own?.status === 'withdrawn') return { allowed: false, reason: 'withdrawn' };
  } else if (own?.status !== 'granted') {
    return { allowed: false, reason: own ? 'withdrawn' : 'no_consent' };
  }
  if (purpose !== 'guardian' && isMinor(s, today) && latestConsent(s.consents, 'guardian')?.status !== 'granted') {
    return { allowed: false, reason: 'minor_without_guardian' };
  }
  return { allowed: true, reason: own?.status === 'granted' ? 'granted' : 'not_withdrawn' };
}

/** Art. 24: a customer who has not agreed to personalisation gets the non-personalised result. */
export function recommendationMode(s: ConsentSubject, today: string): 'personalised' | 'non_personalised' {
  return canUse('personalisation', s, today).allowed ? 'personalised' : 'non_personalised';
}
