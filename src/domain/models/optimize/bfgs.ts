/**
 * Unconstrained minimisation by BFGS (Nocedal & Wright, *Numerical Optimization* 2nd ed., algorithm 6.1) with a
 * line search that satisfies the strong Wolfe conditions (algorithms 3.5 and 3.6, cubic interpolation in the
 * zoom). Written here because the npm optimisers are either unmaintained and untyped (fmin 0.0.4, numeric 1.2.6)
 * or little used (optimization-js); our problems are small (3–30 parameters) and smooth with analytic gradients,
 * which is the case BFGS is made for. Tested in bfgs.test.ts on Rosenbrock and quadratic problems.
 */
export interface Objective {
  /** Returns f(x) and writes ∇f(x) into grad. */
  (x: Float64Array, grad: Float64Array): number;
}

export interface MinimizeOptions {
  /** Stop when max |∂f/∂xᵢ| falls below this. */
  gradientTolerance?: number;
  maxIterations?: number;
}

export interface MinimizeResult {
  x: number[];
  f: number;
  gradient: number[];
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

export function minimizeBfgs(f: Objective, x0: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  const n = x0.length;
  const gtol = opts.gradientTolerance ?? 1e-8;
  const maxIter = opts.maxIterations ?? 500;
  let evaluations = 0;
  const evaluate = (x: Float64Array, g: Float64Array) => {
    evaluations++;
    return f(x, g);
  };
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let fx = evaluate(x, g);
  if (!Number.isFinite(fx)) throw new RangeError('the objective is not finite at the starting point');
  // H: approximation of the inverse Hessian, row-major n×n, starting from the identity.
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) H[i * n + i] = 1;
  const p = new Float64Array(n);
  let iterations = 0;
  let message = 'maximum iterations reached';
  let converged = false;
  let firstStep = true;
  for (; iterations < maxIter; iterations++) {
    if (maxAbs(g) < gtol) {
      converged = true;
      message = 'gradient below tolerance';
      break;
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s -= H[i * n + j] * g[j];
      p[i] = s;
    }
    let slope = dot(g, p);
    if (slope >= 0) {
      // Not a descent direction (the curvature estimate went bad): restart from steepest descent.
      H.fill(0);
      for (let i = 0; i < n; i++) { H[i * n + i] = 1; p[i] = -g[i]; }
      slope = dot(g, p);
    }
    // The decrease a full step would bring (−½ gᵀp for a quadratic model) is below what f can resolve: done.
    if (-slope / 2 <= 1e-14 * Math.max(1, Math.abs(fx))) {
      converged = true;
      message = 'expected decrease below the precision of the objective';
      break;
    }
    const step0 = firstStep ? Math.min(1, 1 / Math.max(1e-12, maxAbs(g))) : 1;
    const ls = wolfeLineSearch(evaluate, x, fx, g, p, slope, step0);
    if (!ls) {
      message = 'line search found no better point';
      converged = maxAbs(g) < gtol * 1e3;
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) { s[i] = ls.x[i] - x[i]; y[i] = ls.g[i] - g[i]; }
    const fPrev = fx;
    x = ls.x; g = ls.g; fx = ls.f;
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (firstStep) {
        // Scale the initial inverse Hessian (N&W eq. 6.20) before the first update.
        const scale = sy / dot(y, y);
        for (let i = 0; i < n * n; i++) H[i] *= scale;
        firstStep = false;
      }
      bfgsUpdate(H, s, y, sy, n);
    }
    if (Math.abs(fPrev - fx) <= 1e-15 * Math.max(1, Math.abs(fx)) && maxAbs(g) < gtol * 1e3) {
      converged = true;
      message = 'no further decrease in the objective';
      iterations++;
      break;
    }
  }
  return { x: Array.from(x), f: fx, gradient: Array.from(g), iterations, evaluations, converged, message };
}

/** H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1/(yᵀs). */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, sy: number, n: number): void {
  const rho = 1 / sy;
  const Hy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let j = 0; j < n; j++) v += H[i * n + j] * y[j];
    Hy[i] = v;
  }
  const yHy = dot(y, Hy);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      H[i * n + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
  }
}

interface Point { x: Float64Array; f: number; g: Float64Array; slope: number; t: number }

function wolfeLineSearch(
  evaluate: (x: Float64Array, g: Float64Array) => number,
  x: Float64Array, f0: number, g0: Float64Array, p: Float64Array, slope0: number, t0: number,
): Point | undefined {
  const c1 = 1e-4;
  const c2 = 0.9;
  const n = x.length;
  const at = (t: number): Point => {
    const xt = new Float64Array(n);
    for (let i = 0; i < n; i++) xt[i] = x[i] + t * p[i];
    const g = new Float64Array(n);
    const fv = evaluate(xt, g);
    return { x: xt, f: Number.isFinite(fv) ? fv : Infinity, g, slope: dot(g, p), t };
  };
  let prev: Point = { x, f: f0, g: g0, slope: slope0, t: 0 };
  let t = t0;
  for (let i = 0; i < 40; i++) {
    const cur = at(t);
    if (!Number.isFinite(cur.f)) { t = (prev.t + t) / 2; continue; }
    if (cur.f > f0 + c1 * t * slope0 || (i > 0 && cur.f >= prev.f)) return zoom(prev, cur);
    if (Math.abs(cur.slope) <= -c2 * slope0) return cur;
    if (cur.slope >= 0) return zoom(cur, prev);
    prev = cur;
    t *= 2;
  }
  return undefined;

  function zoom(lo: Point, hi: Point): Point | undefined {
    for (let i = 0; i < 30; i++) {
      let t = cubicMin(lo, hi);
      const lower = Math.min(lo.t, hi.t);
      const upper = Math.max(lo.t, hi.t);
      const margin = 0.1 * (upper - lower);
      if (!Number.isFinite(t) || t < lower + margin || t > upper - margin) t = (lo.t + hi.t) / 2;
      const cur = at(t);
      if (cur.f > f0 + c1 * t * slope0 || cur.f >= lo.f) {
        hi = cur;
      } else {
        if (Math.abs(cur.slope) <= -c2 * slope0) return cur;
        if (cur.slope * (hi.t - lo.t) >= 0) hi = lo;
        lo = cur;
      }
      if (Math.abs(hi.t - lo.t) < 1e-10 * Math.max(1, Math.abs(lo.t))) break;
    }
    return lo.t > 0 && lo.f < f0 ? lo : undefined;
  }
}

/** Minimiser of the cubic through two points with their slopes (N&W eq. 3.59). */
function cubicMin(a: Point, b: Point): number {
  const d1 = a.slope + b.slope - 3 * (a.f - b.f) / (a.t - b.t);
  const disc = d1 * d1 - a.slope * b.slope;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b.t - a.t) * Math.sqrt(disc);
  return b.t - (b.t - a.t) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
