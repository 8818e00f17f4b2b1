import { hyp2f1, lnBeta, lnGamma } from './special.ts';
import type { BgNbdParams } from './bgnbd.ts';

/** A customer's calibration history, in the model's time unit: x repeat purchases, last at t_x, age T. */
export interface History {
  x: number;
  tx: number;
  T: number;
}

/** E[X(t)]: expected repeat purchases of a new customer in (0, t] (FHL 2005 eq. 7). Needs a > 1. */
export function expectedPurchases(p: BgNbdParams, t: number): number {
  const { r, alpha, a, b } = p;
  if (t <= 0) return 0;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}

/** The odds weight of "dropped out right after the last purchase" against "still alive" (0 when x = 0). */
function dropoutOdds(p: BgNbdParams, h: History): number {
  if (h.x <= 0) return 0;
  const { r, alpha, a, b } = p;
  return (a / (b + h.x - 1)) * Math.pow((alpha + h.T) / (alpha + h.tx), r + h.x);
}

/** P(alive | x, t_x, T): probability the customer has not dropped out by T (FHL 2005 eq. 11) — 存活概率. */
export function probabilityAlive(p: BgNbdParams, h: History): number {
  return 1 / (1 + dropoutOdds(p, h));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] given the history (FHL 2005 eq. 10) — 预期购买次数.
 * Needs a > 1 (the expression diverges otherwise, as in the paper).
 */
export function conditionalExpectedPurchases(p: BgNbdParams, h: History, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const { x, T } = h;
  const z = t / (alpha + T + t);
  const head = (a + b + x - 1) / (a - 1);
  const tail = 1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  return (head * tail) / (1 + dropoutOdds(p, h));
}

/** P(X(t) = k): probability that a new customer makes exactly k repeat purchases in (0, t] (FHL 2005 eq. 8). */
export function probabilityOfPurchases(p: BgNbdParams, t: number, k: number): number {
  const { r, alpha, a, b } = p;
  const lnB = lnBeta(a, b);
  const lnG = (j: number) => lnGamma(r + j) - lnGamma(r) - lnGamma(j + 1);
  const lnAlphaPart = r * Math.log(alpha / (alpha + t));
  const lnTPart = Math.log(t / (alpha + t));
  const first = Math.exp(lnBeta(a, b + k) - lnB + lnG(k) + lnAlphaPart + k * lnTPart);
  if (k === 0) return first;
  let sum = 0;
  for (let j = 0; j < k; j++) sum += Math.exp(lnG(j) + j * lnTPart);
  const second = Math.exp(lnBeta(a + 1, b + k - 1) - lnB) * (1 - Math.exp(lnAlphaPart) * sum);
  return first + second;
}
