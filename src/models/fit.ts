import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { bgNbdStandardErrors, fitBgNbd, type BgNbdParams } from '../domain/models/bgnbd.ts';
import { fitGammaGamma, populationMeanSpend, type GammaGammaParams } from '../domain/models/gammaGamma.ts';
import { calibrationSummaries } from './queries/calibrationSummaries.ts';
import { saveCard, type ModelCard } from './cards.ts';
import { holdoutEvaluation } from './holdout.ts';

/** Resolves the calibration end: the given local day (YYYY-MM-DD), or the last order day in the store. */
export async function calibrationEnd(app: App, given?: string): Promise<string> {
  if (given !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(given) || Number.isNaN(Date.parse(`${given}T00:00:00Z`))) {
      throw new UserError('bad_date', `--calibration-end must be a day as YYYY-MM-DD (got "${given}")`, `--calibration-end 须为 YYYY-MM-DD 格式的日期（收到 "${given}"）`);
    }
    return given;
  }
  const [r] = await app.warehouse.all<{ d: string | null }>('select max(order_date)::varchar as d from orders where workspace_id = $ws', { ws: app.workspaceId });
  if (!r?.d) throw new UserError('no_orders', 'There are no orders to fit a model on; import orders first.', '没有订单可用于拟合模型，请先导入订单。');
  return r.d;
}

export interface BgNbdFit extends BgNbdParams {
  model: 'bgnbd';
  version: number;
  loglik: number;
  customers: number;
  distinctHistories: number;
  calibrationEnd: string;
  standardErrors: BgNbdParams;
  timeUnit: 'week';
  converged: boolean;
  seconds: number;
  card: ModelCard;
}

/** Fits BG/NBD on the orders up to the calibration end, evaluates it on the days after, stores its card. */
export async function fitBgNbdModel(app: App, opts: { calibrationEnd?: string }): Promise<BgNbdFit> {
  const end = await calibrationEnd(app, opts.calibrationEnd);
  const t0 = performance.now();
  const data = (await calibrationSummaries(app.warehouse, app.workspaceId, end, { triplets: true })).triplets!;
  if (data.x.length === 0) throw new UserError('no_customers', `No customer made a purchase on or before ${end}.`, `${end} 及之前没有客户下单。`);
  assertEnoughForBgNbd(data, end);
  const fit = fitBgNbd(data);
  const seconds = (performance.now() - t0) / 1000;
  const p0 = fit.params;
  const extreme = [p0.r, p0.alpha, p0.a, p0.b].some((v) => !Number.isFinite(v) || v > 1e6 || v < 1e-6);
  let standardErrors: BgNbdParams | null = null;
  if (fit.converged && !extreme) {
    try {
      standardErrors = bgNbdStandardErrors(fit.params, data);
    } catch {
      standardErrors = null; // a singular information matrix: the data do not pin the parameters down
    }
  }
  if (!standardErrors) throw notIdentified(end, fit.customers);
  const holdout = await holdoutEvaluation(app, fit.params, end);
  const p = fit.params;
  const card = await saveCard(app.state, app.workspaceId, {
    model: 'bgnbd', calibrationEnd: end, dataFrom: holdout.firstOrderDay, dataTo: holdout.lastOrderDay, customers: fit.customers,
    parameters: { r: p.r, alpha: p.alpha, a: p.a, b: p.b, timeUnit: 'week' },
    metrics: { loglik: fit.logLikelihood, standardErrors, distinctHistories: fit.rows, iterations: fit.iterations, converged: fit.converged, holdout },
    notes: 'BG/NBD (Fader, Hardie & Lee 2005). x = distinct purchase days − 1 up to the calibration end (inclusive); t_x, T = exact day counts / 7.',
  });
  return {
    model: 'bgnbd', version: card.version, r: p.r, alpha: p.alpha, a: p.a, b: p.b, loglik: fit.logLikelihood, customers: fit.customers,
    distinctHistories: fit.rows, calibrationEnd: end, standardErrors, timeUnit: 'week', converged: fit.converged, seconds, card,
  };
}

/** What BG/NBD needs before it is fitted: customers enough, some of whom bought on a second day and some not. */
export const BGNBD_MINIMUM = { customers: 100, repeaters: 20 };

function assertEnoughForBgNbd(data: { x: ArrayLike<number>; weight: ArrayLike<number> }, end: string): void {
  let customers = 0, repeaters = 0;
  for (let i = 0; i < data.x.length; i++) {
    customers += data.weight[i];
    if (data.x[i] > 0) repeaters += data.weight[i];
  }
  const { customers: needC, repeaters: needR } = BGNBD_MINIMUM;
  if (customers >= needC && repeaters >= needR && repeaters < customers) return;
  throw new UserError('not_enough_data',
    `BG/NBD needs the purchases of at least ${needC} customers up to ${end}, at least ${needR} of whom bought again on another day (and some who did not); this store has ${customers} customers, ${repeaters} of them repeat buyers. Import more order history, or choose a later --calibration-end.`,
    `BG/NBD 至少需要截至 ${end} 的 ${needC} 位客户的购买记录，其中至少 ${needR} 位在另一天再次购买（也需有未复购的客户）；本店有 ${customers} 位客户，其中复购 ${repeaters} 位。请导入更多订单历史，或选择更晚的 --calibration-end。`);
}

/** The fit ran but the data do not pin the parameters down (they run off to a bound, or the information matrix is singular). */
function notIdentified(end: string, customers: number): UserError {
  return new UserError('model_not_identified',
    `BG/NBD could not be fitted on the purchases of ${customers} customers up to ${end}: the data do not determine its parameters (too few customers or repeat purchases, or too short a history). Import more order history, or choose a later --calibration-end.`,
    `无法基于截至 ${end} 的 ${customers} 位客户的购买记录拟合 BG/NBD：数据不足以确定模型参数（客户或复购太少，或历史太短）。请导入更多订单历史，或选择更晚的 --calibration-end。`);
}

export interface GammaGammaFit extends GammaGammaParams {
  model: 'gamma-gamma';
  version: number;
  v: number;
  loglik: number;
  customers: number;
  meanSpend: number;
  calibrationEnd: string;
  converged: boolean;
  /** Repeat customers left out because their mean repeat spend is not positive (¥0 orders). */
  excluded: number;
  seconds: number;
  card: ModelCard;
}

/** Fits Gamma-Gamma on repeat customers' mean repeat-day value up to the calibration end, stores its card. */
export async function fitGammaGammaModel(app: App, opts: { calibrationEnd?: string }): Promise<GammaGammaFit> {
  const end = await calibrationEnd(app, opts.calibrationEnd);
  const t0 = performance.now();
  const data = (await calibrationSummaries(app.warehouse, app.workspaceId, end, { spend: true })).spend!;
  if (data.x.length === 0) throw new UserError('no_repeat_customers', `No customer bought again on or before ${end}.`, `${end} 及之前没有复购客户。`);
  const fit = fitGammaGamma(data);
  const seconds = (performance.now() - t0) / 1000;
  const p = fit.params;
  const meanSpend = p.q > 1 ? populationMeanSpend(p) : NaN;
  const card = await saveCard(app.state, app.workspaceId, {
    model: 'gamma-gamma', calibrationEnd: end, dataFrom: null, dataTo: end, customers: fit.customers,
    parameters: { p: p.p, q: p.q, gamma: p.gamma },
    metrics: { loglik: fit.logLikelihood, populationMeanSpend: meanSpend, iterations: fit.iterations, converged: fit.converged, excludedNonPositiveSpend: fit.excluded },
    notes: 'Gamma-Gamma (Fader & Hardie 2013) on customers with ≥ 1 repeat purchase day; zbar = mean value of repeat days (same-day orders summed).',
  });
  return {
    model: 'gamma-gamma', version: card.version, p: p.p, q: p.q, gamma: p.gamma, v: p.gamma, loglik: fit.logLikelihood, customers: fit.customers,
    meanSpend, calibrationEnd: end, converged: fit.converged, excluded: fit.excluded, seconds, card,
  };
}
