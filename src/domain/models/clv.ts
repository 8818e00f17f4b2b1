import type { BgNbdParams } from './bgnbd.ts';
import { conditionalExpectedPurchases, type History } from './bgnbdExpectations.ts';

/**
 * Customer lifetime value over a horizon (客户终身价值), the discrete form lifetimes and most practitioners use:
 * the expected purchases in each period (from the BG/NBD conditional expectation) times the expected spend per
 * purchase (Gamma-Gamma E[M]), discounted per period:
 *   CLV = Σᵢ₌₁ⁿ spend · (E[Y(i·L)] − E[Y((i−1)·L)]) / (1 + d)^i
 * with L the period length in the model's time unit (4.345 weeks for a month) and d the discount rate per period.
 */
export interface ClvOptions {
  periods: number;
  periodLength: number;
  discountRate: number;
}

export function customerLifetimeValue(p: BgNbdParams, h: History, expectedSpend: number, o: ClvOptions): number {
  let clv = 0;
  let prev = 0;
  for (let i = 1; i <= o.periods; i++) {
    const cum = conditionalExpectedPurchases(p, h, i * o.periodLength);
    clv += (expectedSpend * (cum - prev)) / Math.pow(1 + o.discountRate, i);
    prev = cum;
  }
  return clv;
}
