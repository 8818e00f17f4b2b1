/**
 * Synthetic purchase histories drawn from known BG/NBD and Gamma-Gamma parameters (time unit: week), for the
 * models benchmark. Each customer's first purchase falls on a day in [0, spanDays); after it, purchases follow
 * a Poisson process with rate λ ~ Gamma(r, α) and the customer drops out after each purchase with probability
 * p ~ Beta(a, b); each purchase's value is Gamma(pₛ, ν) with ν ~ Gamma(q, γ). Seeded, so runs are comparable.
 */
import type { BgNbdParams } from '../../src/domain/models/bgnbd.ts';
import type { GammaGammaParams } from '../../src/domain/models/gammaGamma.ts';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the boost for shape < 1. */
export function gamma(u: () => number, shape: number, rate: number): number {
  if (shape < 1) return gamma(u, shape + 1, rate) * Math.pow(u(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do { x = normal(u); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const w = u();
    if (w < 1 - 0.0331 * x ** 4 || Math.log(w) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
  }
}

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
