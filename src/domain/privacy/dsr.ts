/**
 * Data-subject requests (个人信息主体权利请求): kinds and due dates. Pure.
 *
 * PIPL art. 50 asks for a timely response without fixing a period; GB/T 35273-2020 §8.7 sets 15 working days.
 * We default to 15 calendar days (stricter) and flag requests past due.
 */
export const DSR_KINDS = ['access', 'portability', 'rectification', 'erasure', 'restriction', 'withdrawal'] as const;
export type DsrKind = (typeof DSR_KINDS)[number];
export const DSR_DUE_DAYS = 15;

export function isDsrKind(k: string): k is DsrKind {
  return (DSR_KINDS as readonly string[]).includes(k);
}

export function dueDate(received: Date, days = DSR_DUE_DAYS): Date {
  return new Date(received.getTime() + days * 86_400_000);
}

export function isOverdue(r: { status: string; due_at: string }, now = new Date()): boolean {
  return r.status === 'open' && new Date(r.due_at).getTime() < now.getTime();
}
