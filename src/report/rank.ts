/**
 * Ranking findings by impact (按影响排序). A finding's impact is yuan at stake where money is known; one stated
 * in customers is converted at the period's revenue per customer, so the two kinds compare on one scale.
 */
import type { Finding } from './model.ts';

export function impactYuan(f: Finding, yuanPerCustomer: number): number {
  return f.impactBasis === 'yuan' ? f.impact : f.impact * yuanPerCustomer;
}

export function rankFindings(findings: Finding[], yuanPerCustomer: number): Finding[] {
  return [...findings].sort((a, b) => impactYuan(b, yuanPerCustomer) - impactYuan(a, yuanPerCustomer) || a.id.localeCompare(b.id));
}
