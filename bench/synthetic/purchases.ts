/**
 * Synthetic purchase histories drawn from known BG/NBD and Gamma-Gamma parameters (time unit: week), for the
 * models benchmark. Each customer's first purchase falls on a day in [0, spanDays); after it, purchases follow
 * a Poisson process with rate λ ~ Gamma(r, α) and the customer drops out after each purchase with probability
 * p ~ Beta(a, b); each purchase's value is Gamma(pₛ, ν) with ν ~ Gamma(q, γ). Seeded, so runs are comparable.
 */
import type { BgNbdParams } from '../../src/domain/models/bgnbd.ts';
import type { GammaGammaParams } from '../../src/domain/models/gammaGamma.ts';
import { gamma, rng } from '../../src/domain/models/random.ts';

export { gamma, rng };

export interface Purchase { customer: number; day: number; value: number }

/** Calls emit for each purchase (customer ids 1..n, days from 0, values in yuan to the cent) up to endDay. */
export function simulatePurchases(
  n: number, bg: BgNbdParams, gg: GammaGammaParams, o: { spanDays: number; endDay: number; seed: number },
  emit: (customer: number, day: number, value: number) => void,
): void {
  const u = rng(o.seed);
  for (let c = 1; c <= n; c++) {
    const first = Math.floor(u() * o.spanDays);
    const lambda = gamma(u, bg.r, bg.alpha);
    const x1 = gamma(u, bg.a, 1);
    const p = x1 / (x1 + gamma(u, bg.b, 1));
    const nu = gamma(u, gg.q, gg.gamma);
    const value = () => Math.max(0.01, Math.round(gamma(u, gg.p, nu) * 100) / 100);
    emit(c, first, value());
    let t = first / 7;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      const day = Math.floor(t * 7);
      if (!(day <= o.endDay)) break;
      emit(c, day, value());
      if (u() < p) break;
    }
  }
}
