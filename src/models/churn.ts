import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { CHURN_FEATURES, BINARY_FEATURES, PROBABILITY_FEATURES, modelInput } from '../domain/models/churnFeatures.ts';
import { fitBgNbd, type BgNbdParams } from '../domain/models/bgnbd.ts';
import { calibrationSummaries } from './queries/calibrationSummaries.ts';
import { auc, calibrationTable, fitLogistic, predictLogistic, topPrecision, type CalibrationBin, type LogisticModel } from '../domain/models/logistic.ts';
import { CHURN_FEATURES_SQL } from './queries/churnFeatures.ts';
import { latestCard, saveCard, type ModelCard } from './cards.ts';
import { calibrationEnd } from './fit.ts';

const DAY = 86_400_000;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const NAMES = CHURN_FEATURES.map((f) => f.name);

interface FeatureRows { customers: Float64Array; rows: number[][]; raw: number[][]; churned: number[] }

const bgParams = (p: BgNbdParams) => ({ r: p.r, alpha: p.alpha, a: p.a, bb: p.b });

/** Scoring reads the features of the customers the consent policy permits for analytics only (a fit is a population statistic). */
const SCORED_FEATURES_SQL = `select * from (${CHURN_FEATURES_SQL.duckdb}) pf where pf.customer_id in (select customer_id from permitted_customers($ws, 'analytics'))`;

/** BG/NBD fitted on what was known at the cut-off (feeds p_no_order). */
async function repurchaseModelAt(app: App, cut: string): Promise<BgNbdParams> {
  const triplets = (await calibrationSummaries(app.warehouse, app.workspaceId, cut, { triplets: true })).triplets!;
  if (triplets.x.length === 0) throw new UserError('too_little_history', `No orders on or before ${cut} to train a churn model on.`, `${cut} 及之前没有订单，无法训练流失模型。`);
  return fitBgNbd(triplets).params;
}

async function features(app: App, cut: string, win: number, bg: BgNbdParams): Promise<FeatureRows> {
  const reader = await app.warehouse.columns(CHURN_FEATURES_SQL.duckdb, { ws: app.workspaceId, cut, win, ...bgParams(bg) });
  const cols = reader.columns;
  const names = reader.names;
  const col = (n: string) => cols[names.indexOf(n)] as unknown[];
  const n = cols[0].length;
  const raw: number[][] = [];
  const rows: number[][] = [];
  const featureCols = NAMES.map(col);
  for (let i = 0; i < n; i++) {
    const r = featureCols.map((c) => Number(c[i]));
    raw.push(r);
    rows.push(r.map((v, j) => modelInput(NAMES[j], v)));
  }
  return { customers: Float64Array.from(col('customer_id'), Number), rows, raw, churned: col('churned').map(Number) };
}

export interface ChurnFit {
  model: 'churn';
  version: number;
  trainCutoff: string;
  testCutoff: string;
  windowDays: number;
  trainCustomers: number;
  testCustomers: number;
  churnRate: number;
  auc: number;
  topDecilePrecision: number;
  calibration: CalibrationBin[];
  coefficients: { feature: string; en: string; zh: string; coefficient: number }[];
  trainSeconds: number;
  card: ModelCard;
}

/**
 * Trains the churn model (流失预测) with a time split: features up to the training cut-off, label = no order in
 * the following window; evaluated on the next window (features up to the test cut-off = training cut-off +
 * window, label from the window after it), which the model never saw.
 */
export async function fitChurnModel(app: App, o: { cutoff?: string; windowDays?: number }): Promise<ChurnFit> {
  const win = o.windowDays ?? 90;
  if (!(Number.isInteger(win) && win >= 7 && win <= 730)) throw new UserError('bad_option', '--window-days must be a whole number from 7 to 730.', '--window-days 须为 7–730 的整数。');
  const last = await calibrationEnd(app);
  const testCut = o.cutoff ? await calibrationEnd(app, o.cutoff) : addDays(last, -win);
  const trainCut = addDays(testCut, -win);
  // The repurchase model behind p_no_order is refitted at each cut-off on what was known then (no look-ahead).
  const bg = await repurchaseModelAt(app, trainCut);
  const train = await features(app, trainCut, win, bg);
  const test = await features(app, testCut, win, await repurchaseModelAt(app, testCut));
  if (train.rows.length < 50 || test.rows.length < 50) {
    throw new UserError('too_little_history', `Too few customers with orders before ${trainCut} and ${testCut} to train and test a churn model (need 50 each).`, `${trainCut} 与 ${testCut} 之前有订单的客户太少，无法训练和检验流失模型（各需至少 50 位）。`);
  }
  const t0 = performance.now();
  const model = fitLogistic(NAMES, train.rows, train.churned, { lambda: 1 });
  const trainSeconds = (performance.now() - t0) / 1000;
  const scores = test.rows.map((r) => predictLogistic(model, r));
  const metrics = {
    auc: auc(scores, test.churned),
    topDecilePrecision: topPrecision(scores, test.churned, 0.1),
    churnRate: test.churned.reduce((s, v) => s + v, 0) / test.churned.length,
    trainChurnRate: train.churned.reduce((s, v) => s + v, 0) / train.churned.length,
    calibration: calibrationTable(scores, test.churned, 10),
    trainCustomers: train.rows.length, testCustomers: test.rows.length, iterations: model.iterations, trainSeconds,
  };
  const card = await saveCard(app.state, app.workspaceId, {
    model: 'churn', calibrationEnd: testCut, dataFrom: trainCut, dataTo: addDays(testCut, win), customers: train.rows.length,
    parameters: { ...model, bgnbdAtTrainingCutoff: bg, windowDays: win, trainCutoff: trainCut, testCutoff: testCut },
    metrics,
    notes: `Logistic regression (IRLS, ridge λ=1, standardised features). Label: no order in the ${win} days after the cut-off. Trained on features to ${trainCut}, tested on features to ${testCut}.`,
  });
  return {
    model: 'churn', version: card.version, trainCutoff: trainCut, testCutoff: testCut, windowDays: win,
    trainCustomers: train.rows.length, testCustomers: test.rows.length, churnRate: metrics.churnRate, auc: metrics.auc,
    topDecilePrecision: metrics.topDecilePrecision, calibration: metrics.calibration,
    coefficients: CHURN_FEATURES.map((f, j) => ({ feature: f.name, en: f.en, zh: f.zh, coefficient: model.coefficients[j] })),
    trainSeconds, card,
  };
}

/** The model's linear predictor per feature as SQL over the feature columns (names from the catalogue, values bound). */
function contributionSql(j: number): string {
  const name = NAMES[j];
  const input = BINARY_FEATURES.has(name) ? name
    : PROBABILITY_FEATURES.has(name) ? `ln(least(greatest(${name}, 1e-6), 1 - 1e-6) / (1 - least(greatest(${name}, 1e-6), 1 - 1e-6)))`
    : `ln(1 + greatest(${name}, 0))`;
  return `($b${j} * (${input} - $m${j}) / $s${j})`;
}

function reasonSql(j: number, lang: 'en' | 'zh'): string {
  const f = CHURN_FEATURES[j];
  const value = BINARY_FEATURES.has(f.name)
    ? (lang === 'en' ? `case when ${f.name} = 1 then 'yes' else 'no' end` : `case when ${f.name} = 1 then '是' else '否' end`)
    : PROBABILITY_FEATURES.has(f.name) ? `round(100 * ${f.name})::bigint::varchar`
    : `round(${f.name})::bigint::varchar`;
  return `printf($t${lang}${j}, ${value})`;
}

export interface ChurnScoring { asOf: string; version: number; customers: number; meanRisk: number; highRisk: number }

/**
 * Scores every customer with the latest churn card, in SQL: risk = logistic(intercept + Σ contributions), and the
 * reasons = the (up to) three features that raise the risk most, in plain words (English and 中文).
 */
export async function scoreChurn(app: App, o: { asOf?: string }): Promise<ChurnScoring> {
  const card = await latestCard(app.state, app.workspaceId, 'churn');
  if (!card) throw new UserError('model_not_fitted', `Model 'churn' has not been fitted yet: run 'siyu model fit churn'.`, `模型 'churn' 尚未拟合，请先运行 'siyu model fit churn'。`, 404);
  const m = card.parameters as unknown as LogisticModel & { windowDays: number };
  const asOf = await calibrationEnd(app, o.asOf);
  const bg = await repurchaseModelAt(app, asOf);
  const params: Record<string, unknown> = { ws: app.workspaceId, cut: asOf, win: m.windowDays, b: m.intercept, ...bgParams(bg), version: card.version, fitted: card.fittedAt.replace('Z', '') };
  NAMES.forEach((_, j) => {
    params[`b${j}`] = m.coefficients[j]; params[`m${j}`] = m.means[j]; params[`s${j}`] = m.sds[j];
    params[`ten${j}`] = CHURN_FEATURES[j].reasonEn; params[`tzh${j}`] = CHURN_FEATURES[j].reasonZh;
  });
  // The three largest risk-raising contributions are picked first (as {c, j}); only those are put into words.
  const top = `list_slice(list_reverse_sort(list_filter([${NAMES.map((_, j) => `{'c': ${contributionSql(j)}, 'j': ${j}}`).join(', ')}], r -> r.c > 0.05)), 1, 3)`;
  const reasons = (lang: 'en' | 'zh') => `array_to_string(list_transform(top, r -> case r.j ${NAMES.map((_, j) => `when ${j} then ${reasonSql(j, lang)}`).join(' ')} end), '; ')`;
  await app.warehouse.transaction(async () => {
    await app.warehouse.run(`delete from customer_scores where workspace_id = $ws and model = 'churn'`, { ws: app.workspaceId });
    await app.warehouse.run(
      `insert into customer_scores (workspace_id, customer_id, model, score, value, label, version, fitted_at, scored_at, as_of)
       with f as (${SCORED_FEATURES_SQL}),
       t as (select f.*, 1 / (1 + exp(-($b + ${NAMES.map((_, j) => contributionSql(j)).join(' + ')}))) as risk, ${top} as top from f),
       s as (select customer_id, risk, ${reasons('en')} as reasons_en, ${reasons('zh')} as reasons_zh from t)
       select $ws, customer_id, 'churn', k.score, k.value, k.label, $version, $fitted::timestamp, current_timestamp, $cut::date
       from s, lateral (values ('churn_risk', risk, reasons_en), ('churn_reasons_zh', null, reasons_zh)) k(score, value, label)`, params);
  });
  const [r] = await app.warehouse.all<{ n: number; mean: number; high: number }>(
    `select count(*)::integer as n, avg(value) as mean, count(*) filter (where value >= 0.8)::integer as high
     from customer_scores where workspace_id = $ws and model = 'churn' and score = 'churn_risk'`, { ws: app.workspaceId });
  return { asOf, version: card.version, customers: Number(r.n), meanRisk: Number(r.mean ?? 0), highRisk: Number(r.high) };
}
