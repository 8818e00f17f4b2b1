/**
 * The calibration/holdout chart as a self-contained file (验证期对比图文件), drawn the way the report draws:
 * ECharts. `.html` inlines ECharts' minified build, the option and the CJK font slices the text uses (opens
 * offline); `.svg` is rendered on the server with ECharts' SSR renderer and carries the font slices in a <style>.
 * Both carry the chart data as JSON (`#siyu-chart-data` / <metadata>), the same numbers as `--json` and the API.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import * as echarts from 'echarts';
import { UserError } from '../errors.ts';
import { HOLDOUT_CHART_SIZE, holdoutChartData, holdoutChartOption, type HoldoutChartData, type HoldoutInput } from '../domain/models/holdoutChart.ts';
import { embeddedFontCss, REPORT_FONT_FAMILY } from '../report/render/font.ts';

export type ChartFormat = 'html' | 'svg';

let echartsJs: string | null = null;
function echartsSource(): string {
  if (echartsJs === null) echartsJs = readFileSync(createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'), 'utf8');
  return echartsJs;
}

/** JSON safe inside <script> and XML text: no '<', '&' or line separators left as such. */
const embeddedJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/&/g, '\\u0026').replace(/\u2028|\u2029/g, ' ');

const FONT = `'${REPORT_FONT_FAMILY}', sans-serif`;

/**
 * The chart's option with its legend moved clear of the first panel's subtitle (at the option's top 30 the two
 * overlapped): just below that subtitle and above the first grid.
 */
function chartOption(data: HoldoutChartData): Record<string, unknown> {
  const option = holdoutChartOption(data, FONT) as { legend?: Record<string, unknown>; title?: { top?: number; textStyle?: { fontSize?: number } }[] };
  const subtitle = option.title?.[1];
  const below = (subtitle?.top ?? 36) + (subtitle?.textStyle?.fontSize ?? 12) + 6;
  return { ...option, legend: { ...option.legend, top: below, itemHeight: 10 } };
}

export function holdoutChartSvg(data: HoldoutChartData): string {
  const option = chartOption(data);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...HOLDOUT_CHART_SIZE });
  let svg: string;
  try {
    chart.setOption(option);
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const font = embeddedFontCss(JSON.stringify(option));
  const head = `<metadata id="siyu-chart-data">${embeddedJson(data)}</metadata><style>${font.css}</style>`;
  return svg.replace(/^(<svg[^>]*>)/, `$1${head}`);
}

export function holdoutChartHtml(data: HoldoutChartData): string {
  const option = chartOption(data);
  const optionJson = embeddedJson(option);
  const font = embeddedFontCss(optionJson);
  const title = `BG/NBD holdout ${data.calibrationEnd} → ${data.holdoutEnd ?? '—'}`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${font.css}</style>
<style>body{margin:0;font-family:${FONT}} #chart{width:${HOLDOUT_CHART_SIZE.width}px;height:${HOLDOUT_CHART_SIZE.height}px;margin:0 auto}</style>
<script>${echartsSource()}</script>
</head><body>
<div id="chart"></div>
<script id="siyu-chart-data" type="application/json">${embeddedJson(data)}</script>
<script id="chart-option" type="application/json">${optionJson}</script>
<script>(function () {
  var o = JSON.parse(document.getElementById('chart-option').textContent);
  var draw = function () { var c = echarts.init(document.getElementById('chart'), null, { renderer: 'svg' }); c.setOption(o); document.body.setAttribute('data-charts-ready', '1'); };
  (document.fonts ? document.fonts.load('12px "${REPORT_FONT_FAMILY}"', JSON.stringify(o)).catch(function () {}) : Promise.resolve()).then(draw);
})();</script>
</body></html>
`;
}

/** The format a file name asks for (.html / .htm / .svg), or a user error. */
export function chartFormatOf(file: string): ChartFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.svg') return 'svg';
  throw new UserError('bad_chart_file', `The chart file must end in .html or .svg (got "${file}").`, `图表文件须以 .html 或 .svg 结尾（收到 "${file}"）。`);
}

export function renderHoldoutChart(h: HoldoutInput, format: ChartFormat): { data: HoldoutChartData; body: string } {
  if (!h.holdoutEnd) {
    throw new UserError('no_holdout', `There are no orders after the calibration end ${h.calibrationEnd}, so there is no holdout to chart; fit with an earlier --calibration-end.`,
      `校准期结束日 ${h.calibrationEnd} 之后没有订单，无验证期可作图；请用更早的 --calibration-end 重新拟合。`);
  }
  const data = holdoutChartData(h);
  return { data, body: format === 'html' ? holdoutChartHtml(data) : holdoutChartSvg(data) };
}

/** Writes the chart to `file` (format from its extension) and returns the data drawn. */
export function writeHoldoutChart(h: HoldoutInput, file: string): HoldoutChartData {
  const { data, body } = renderHoldoutChart(h, chartFormatOf(file));
  writeFileSync(file, body);
  return data;
}
