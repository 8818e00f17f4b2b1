import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { UserError } from '../../errors.ts';
import { fitBgNbdModel, fitGammaGammaModel } from '../../models/fit.ts';
import { latestCard, latestCards, type ModelCard } from '../../models/cards.ts';
import { scoreClv } from '../../models/score.ts';
import type { HoldoutEvaluation } from '../../models/holdout.ts';
import { fitChurnModel, scoreChurn } from '../../models/churn.ts';
import { fitClusters } from '../../models/clusters.ts';
import { fitNextPurchase } from '../../models/nextPurchase.ts';
import { writeHoldoutChart, chartFormatOf } from '../../models/holdoutChartFile.ts';
import { holdoutChartData } from '../../domain/models/holdoutChart.ts';

const FITTABLE = ['bgnbd', 'gamma-gamma', 'clv', 'churn', 'clusters', 'next-purchase'] as const;
const SCORABLE = ['clv', 'churn'] as const;

function unknownModel(name: string, known: readonly string[]): UserError {
  return new UserError('unknown_model', `No model named '${name}'; use one of: ${known.join(', ')}.`, `没有名为 '${name}' 的模型，可选：${known.join('、')}。`);
}

const f = (x: number, d = 4) => (Number.isFinite(x) ? (Number.isInteger(x) ? String(x) : x.toFixed(d)) : '—');
/** A parameter value on one line: numbers to 6 places, nested values as compact JSON with rounded numbers. */
const show = (v: unknown) => (typeof v === 'number' ? f(v, 6) : typeof v === 'string' ? v
  : JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(5)) : x)));

/** The calibration/holdout tables (predicted vs actual repeat purchase days) as text. */
export function holdoutText(h: HoldoutEvaluation): string {
  if (!h.holdoutEnd) return `no orders after ${h.calibrationEnd}: no holdout evaluation`;
  const lines = [`holdout ${h.calibrationEnd} → ${h.holdoutEnd} (${h.holdoutWeeks.toFixed(1)} weeks): actual ${h.totalActual} vs predicted ${h.totalPredicted.toFixed(1)} repeat purchase days`,
    'x (calibration)  customers  actual/customer  predicted/customer'];
  for (const b of h.byFrequency) lines.push(`${b.x.padStart(15)}  ${String(b.customers).padStart(9)}  ${f(b.actual, 3).padStart(15)}  ${f(b.predicted, 3).padStart(18)}`);
  // Cumulative repeat purchase days over time, every 4th week and the last (the full weekly table is in --json).
  lines.push('week  cumulative actual  cumulative predicted');
  h.weekly.forEach((w, i) => {
    if ((i + 1) % 4 === 0 || i === h.weekly.length - 1) {
      lines.push(`${String(w.week).padStart(4)}${w.holdout ? '*' : ' '} ${String(w.actualCumulative).padStart(17)}  ${f(w.predictedCumulative, 1).padStart(20)}`);
    }
  });
  lines.push('(* = holdout weeks)');
  return lines.join('\n');
}

function cardText(c: ModelCard): string {
  const params = Object.entries(c.parameters).map(([k, v]) => `${k}=${show(v)}`).join(' ');
  const m = c.metrics as Record<string, unknown>;
  const lines = [`${c.model} v${c.version}  fitted ${c.fittedAt}  calibration end ${c.calibrationEnd ?? '—'}  customers ${c.customers}`, `  ${params}`];
  if (typeof m.loglik === 'number') lines.push(`  log-likelihood ${m.loglik.toFixed(3)}`);
  for (const [k, v] of Object.entries(m)) if (k !== 'loglik' && k !== 'holdout' && (typeof v === 'number' || typeof v === 'boolean')) lines.push(`  ${k} ${typeof v === 'number' ? f(v, 4) : v}`);
  if (m.holdout) lines.push(holdoutText(m.holdout as HoldoutEvaluation).replace(/^/gm, '  '));
  if (c.notes) lines.push(`  ${c.notes}`);
  return lines.join('\n');
}

export function registerModel(program: Command, env: CommandEnv): void {
  const model = program.command('model').description('Predictive models: BG/NBD, Gamma-Gamma, CLV … / 预测模型');

  model.command('fit <name>')
    .description(`Fit a model on the orders up to the calibration end (${FITTABLE.join(', ')}) / 拟合模型`)
    .option('--calibration-end <day>', 'last day of the calibration period, inclusive (YYYY-MM-DD; default: the last order day)')
    .option('--cutoff <day>', 'churn: the test cut-off (default: last order day − window); training uses the window before it')
    .option('--window-days <n>', 'churn: the label window in days', '90')
    .option('--as-of <day>', 'clusters, next-purchase: histories up to this day (default: the last order day)')
    .option('--chart <file>', 'bgnbd: write the calibration/holdout chart to FILE.html or FILE.svg (ECharts, self-contained)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { calibrationEnd?: string; cutoff?: string; windowDays: string; asOf?: string; chart?: string; json?: boolean }) => {
      if (o.chart !== undefined && name !== 'bgnbd') throw new UserError('bad_option', '--chart is for bgnbd only.', '--chart 仅用于 bgnbd。');
      if (o.chart !== undefined) chartFormatOf(o.chart);
      if (name === 'bgnbd') {
        const r = await env.withApp((app) => fitBgNbdModel(app, { calibrationEnd: o.calibrationEnd }));
        const { card, ...out } = r;
        const holdout = card.metrics.holdout as HoldoutEvaluation;
        const chart = o.chart !== undefined ? writeHoldoutChart(holdout, o.chart) : holdout.holdoutEnd ? holdoutChartData(holdout) : null;
        emit(env.output, o.json, { ...out, holdout, chart, chartFile: o.chart ?? null }, () =>
          `BG/NBD v${r.version} on ${r.customers} customers (${r.distinctHistories} distinct histories), calibration end ${r.calibrationEnd}, time unit week\n` +
          `r=${f(r.r, 6)} alpha=${f(r.alpha, 6)} a=${f(r.a, 6)} b=${f(r.b, 6)}  log-likelihood ${r.loglik.toFixed(3)}  (${r.seconds.toFixed(2)} s)\n` +
          `standard errors r ${f(r.standardErrors.r, 6)} alpha ${f(r.standardErrors.alpha, 6)} a ${f(r.standardErrors.a, 6)} b ${f(r.standardErrors.b, 6)}\n` +
          holdoutText(holdout) + (o.chart ? `\nchart written to ${o.chart}` : ''));
      } else if (name === 'gamma-gamma') {
        const r = await env.withApp((app) => fitGammaGammaModel(app, { calibrationEnd: o.calibrationEnd }));
        const { card: _card, ...out } = r;
        emit(env.output, o.json, out, () =>
          `Gamma-Gamma v${r.version} on ${r.customers} repeat customers, calibration end ${r.calibrationEnd}\n` +
          `p=${f(r.p, 5)} q=${f(r.q, 5)} gamma=${f(r.gamma, 5)}  log-likelihood ${r.loglik.toFixed(5)}  mean spend per purchase ${f(r.meanSpend, 2)}`);
      } else if (name === 'clv') {
        const r = await env.withApp(async (app) => ({
          bgnbd: await fitBgNbdModel(app, { calibrationEnd: o.calibrationEnd }),
          gammaGamma: await fitGammaGammaModel(app, { calibrationEnd: o.calibrationEnd }),
        }));
        emit(env.output, o.json, { bgnbd: { ...r.bgnbd, card: undefined }, gammaGamma: { ...r.gammaGamma, card: undefined } }, () =>
          [cardText(r.bgnbd.card), cardText(r.gammaGamma.card)].join('\n'));
      } else if (name === 'churn') {
        const r = await env.withApp((app) => fitChurnModel(app, { cutoff: o.cutoff, windowDays: Number(o.windowDays) }));
        emit(env.output, o.json, { ...r, card: undefined }, () => [
          `churn v${r.version}: trained on features to ${r.trainCutoff}, tested on ${r.testCutoff} (+${r.windowDays} days), ${r.trainCustomers}/${r.testCustomers} customers`,
          `AUC ${f(r.auc, 3)}  top-decile precision ${f(r.topDecilePrecision, 3)}  churn rate ${f(r.churnRate, 3)}  (trained in ${r.trainSeconds.toFixed(2)} s)`,
          'decile  customers  predicted  actual', ...r.calibration.map((c) => `${String(c.bin).padStart(6)}  ${String(c.customers).padStart(9)}  ${f(c.predicted, 3).padStart(9)}  ${f(c.actual, 3).padStart(6)}`),
          'coefficients (standardised):', ...r.coefficients.map((c) => `  ${c.feature.padEnd(18)} ${f(c.coefficient, 3).padStart(7)}  ${c.zh}`),
        ].join('\n'));
      } else if (name === 'clusters') {
        const r = await env.withApp((app) => fitClusters(app, { asOf: o.asOf }));
        emit(env.output, o.json, { ...r, card: undefined }, () => [
          `clusters v${r.version}: ${r.customers} customers as of ${r.asOf}, k = ${r.k} (silhouette ${r.silhouettes.map((s) => `${s.k}:${f(s.silhouette, 3)}`).join(' ')})`,
          ...r.clusters.map((c) => `  ${c.cluster}  ${String(c.customers).padStart(7)}  ${c.zh}  (${c.en})`),
        ].join('\n'));
      } else if (name === 'next-purchase') {
        const r = await env.withApp((app) => fitNextPurchase(app, { asOf: o.asOf }));
        emit(env.output, o.json, { ...r, card: undefined }, () => [
          `next-purchase v${r.version}: ${r.customers} customers as of ${r.asOf} (BG/NBD ${r.bgnbd.source}); mean P(order within 30 days) ${f(r.meanPOrder30d, 3)}`,
          'category  median days between purchases (p25–p75)', ...r.replenishment.map((c) => `  ${c.category}  ${c.median_days} (${c.p25_days}–${c.p75_days}), ${c.intervals} intervals`),
        ].join('\n'));
      } else {
        throw unknownModel(name, FITTABLE);
      }
    });

  model.command('score <name>')
    .description(`Score every customer with the latest fitted model and store the scores (${SCORABLE.join(', ')}) / 计算客户评分`)
    .option('--as-of <day>', 'histories up to this day (default: the last order day)')
    .option('--horizon-months <n>', 'CLV horizon in months', '12')
    .option('--discount-rate <r>', 'annual discount rate for CLV', '0.10')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { asOf?: string; horizonMonths: string; discountRate: string; json?: boolean }) => {
      if (name === 'churn') {
        const r = await env.withApp((app) => scoreChurn(app, { asOf: o.asOf }));
        emit(env.output, o.json, r, () => `scored ${r.customers} customers as of ${r.asOf} with churn v${r.version}: mean risk ${f(r.meanRisk, 3)}, ${r.highRisk} at ≥ 0.8`);
        return;
      }
      if (name !== 'clv') throw unknownModel(name, SCORABLE);
      const horizonMonths = Number(o.horizonMonths);
      const discountRate = Number(o.discountRate);
      if (!(horizonMonths > 0 && horizonMonths <= 120) || !(discountRate >= 0 && discountRate < 1)) {
        throw new UserError('bad_option', '--horizon-months must be 1–120 and --discount-rate in [0, 1).', '--horizon-months 须在 1–120 之间，--discount-rate 须在 [0, 1) 之间。');
      }
      const r = await env.withApp((app) => scoreClv(app, { asOf: o.asOf, horizonMonths, discountRate }));
      emit(env.output, o.json, r, () =>
        `scored ${r.customers} customers as of ${r.asOf} (BG/NBD v${r.bgnbdVersion}, Gamma-Gamma v${r.gammaGammaVersion}), ${r.horizonMonths}-month CLV at ${(r.discountRate * 100).toFixed(1)}%/year\n` +
        `total CLV ${r.totalClv.toFixed(2)}  mean P(alive) ${r.meanPAlive.toFixed(3)}  expected purchases ${r.totalExpectedPurchases.toFixed(1)}`);
    });

  model.command('card [name]')
    .description('Show the latest model card(s): data window, parameters, metrics / 模型卡')
    .option('--chart <file>', 'bgnbd: write the calibration/holdout chart to FILE.html or FILE.svg (ECharts, self-contained)')
    .option('--json', 'machine-readable output')
    .action(async (name: string | undefined, o: { chart?: string; json?: boolean }) => {
      if (o.chart !== undefined && name !== 'bgnbd') throw new UserError('bad_option', '--chart is for the bgnbd card: siyu model card bgnbd --chart FILE.html', '--chart 仅用于 bgnbd 模型卡：siyu model card bgnbd --chart FILE.html');
      if (o.chart !== undefined) chartFormatOf(o.chart);
      const cards = await env.withApp(async (app) => {
        if (!name) return latestCards(app.state, app.workspaceId);
        const c = await latestCard(app.state, app.workspaceId, name);
        if (!c) throw new UserError('model_not_fitted', `Model '${name}' has not been fitted yet: run 'siyu model fit ${name}'.`, `模型 '${name}' 尚未拟合，请先运行 'siyu model fit ${name}'。`, 404);
        return [c];
      });
      const holdout = name === 'bgnbd' ? cards[0].metrics.holdout as HoldoutEvaluation | undefined : undefined;
      const chart = holdout && o.chart !== undefined ? writeHoldoutChart(holdout, o.chart) : holdout?.holdoutEnd ? holdoutChartData(holdout) : null;
      emit(env.output, o.json, name ? (name === 'bgnbd' ? { ...cards[0], chart, chartFile: o.chart ?? null } : cards[0]) : cards, () =>
        (cards.length ? cards.map(cardText).join('\n\n') : 'no model fitted yet') + (o.chart ? `\nchart written to ${o.chart}` : ''));
    });
}
