/**
 * The calibration/holdout chart (校准期/验证期对比图) of a BG/NBD fit, as data and as an ECharts option: the
 * mean repeat purchase days per customer in the holdout by calibration frequency (FHL 2005 fig. 4), and the
 * cohort's repeat purchase days per week, cumulative (fig. 2) and incremental (fig. 3), actual against predicted.
 * Values in, values out: the same numbers go to `--json`, the API and the rendered file.
 */

/** What the chart reads of a holdout evaluation (src/models/holdout.ts). */
export interface HoldoutInput {
  calibrationEnd: string;
  holdoutEnd: string | null;
  byFrequency: { x: string; customers: number; actual: number; predicted: number }[];
  weekly: { week: number; actual: number; predicted: number; actualCumulative: number; predictedCumulative: number; holdout: boolean }[];
}

export interface HoldoutChartData {
  calibrationEnd: string;
  holdoutEnd: string | null;
  /** Per calibration frequency bucket (x = 0, 1, …, 7+): customers and mean holdout repeat days per customer. */
  byFrequency: { buckets: string[]; customers: number[]; actual: number[]; predicted: number[] };
  /** Weeks since the first order day (1-based); the first holdout week; repeat days per week and cumulative. */
  weekly: { weeks: number[]; firstHoldoutWeek: number | null; actual: number[]; predicted: number[]; actualCumulative: number[]; predictedCumulative: number[] };
}

/** Rounds to `d` decimals (the chart, the JSON and the tests all see the same rounded values). */
export const roundTo = (v: number, d: number): number => {
  const f = 10 ** d;
  return Math.round(v * f) / f;
};

export function holdoutChartData(h: HoldoutInput): HoldoutChartData {
  const first = h.weekly.find((w) => w.holdout);
  return {
    calibrationEnd: h.calibrationEnd,
    holdoutEnd: h.holdoutEnd,
    byFrequency: {
      buckets: h.byFrequency.map((b) => b.x),
      customers: h.byFrequency.map((b) => b.customers),
      actual: h.byFrequency.map((b) => roundTo(b.actual, 4)),
      predicted: h.byFrequency.map((b) => roundTo(b.predicted, 4)),
    },
    weekly: {
      weeks: h.weekly.map((w) => w.week),
      firstHoldoutWeek: first ? first.week : null,
      actual: h.weekly.map((w) => w.actual),
      predicted: h.weekly.map((w) => roundTo(w.predicted, 1)),
      actualCumulative: h.weekly.map((w) => w.actualCumulative),
      predictedCumulative: h.weekly.map((w) => roundTo(w.predictedCumulative, 1)),
    },
  };
}

const ACTUAL = '#2f6fde';
const PREDICTED = '#f08c2e';

/** Chart size for a standalone file (px). */
export const HOLDOUT_CHART_SIZE = { width: 960, height: 1080 };

/**
 * One ECharts option with three stacked panels (grids), so the HTML and the server-side SVG are the same picture.
 * Animation off: the SVG render and screenshots catch the final frame.
 */
export function holdoutChartOption(d: HoldoutChartData, fontFamily = 'sans-serif'): Record<string, unknown> {
  const weeks = d.weekly.weeks.map(String);
  const holdoutMark = d.weekly.firstHoldoutWeek === null ? {} : {
    markLine: {
      symbol: 'none', silent: true, lineStyle: { type: 'dashed', color: '#7a8699' },
      label: { formatter: `calibration end ${d.calibrationEnd} / 校准期结束`, position: 'insideEndTop', fontSize: 10 },
      data: [{ xAxis: String(d.weekly.firstHoldoutWeek) }],
    },
  };
  const panels = [
    { top: 70, title: 'Holdout repeat purchase days per customer, by calibration frequency x · 验证期人均复购天数（按校准期复购次数分组）' },
    { top: 430, title: 'Cumulative repeat purchase days of the calibration cohort, per week · 累计复购天数（按周）' },
    { top: 790, title: 'Repeat purchase days per week · 每周复购天数' },
  ];
  const height = 250;
  const line = (name: string, data: number[], color: string, dashed: boolean, axis: number, extra: Record<string, unknown> = {}) => ({
    type: 'line', name, data, xAxisIndex: axis, yAxisIndex: axis, showSymbol: false, color,
    lineStyle: { color, width: 2, ...(dashed ? { type: 'dashed' } : {}) }, ...extra,
  });
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily },
    title: [
      { text: `BG/NBD calibration ${d.calibrationEnd} → holdout ${d.holdoutEnd ?? '—'} · 校准期/验证期`, left: 'center', top: 8, textStyle: { fontSize: 15, fontWeight: 'bold' } },
      ...panels.map((p) => ({ text: p.title, left: 'center', top: p.top - 34, textStyle: { fontSize: 12, fontWeight: 'normal' } })),
    ],
    legend: { top: 30, data: ['actual / 实际', 'predicted / 预测'] },
    tooltip: { trigger: 'axis' },
    grid: panels.map((p) => ({ left: 70, right: 30, top: p.top, height })),
    xAxis: [
      { gridIndex: 0, type: 'category', data: d.byFrequency.buckets, name: 'x', nameLocation: 'middle', nameGap: 24 },
      { gridIndex: 1, type: 'category', data: weeks, name: 'week / 周', nameLocation: 'middle', nameGap: 24 },
      { gridIndex: 2, type: 'category', data: weeks, name: 'week / 周', nameLocation: 'middle', nameGap: 24 },
    ],
    yAxis: [0, 1, 2].map((i) => ({ gridIndex: i, type: 'value' })),
    series: [
      {
        type: 'bar', name: 'actual / 实际', data: d.byFrequency.actual, xAxisIndex: 0, yAxisIndex: 0, color: ACTUAL,
        label: { show: true, position: 'top', fontSize: 9, formatter: '{c}' },
      },
      {
        type: 'bar', name: 'predicted / 预测', data: d.byFrequency.predicted, xAxisIndex: 0, yAxisIndex: 0, color: PREDICTED,
        label: { show: true, position: 'top', fontSize: 9, formatter: '{c}' },
      },
      line('actual / 实际', d.weekly.actualCumulative, ACTUAL, false, 1, holdoutMark),
      line('predicted / 预测', d.weekly.predictedCumulative, PREDICTED, true, 1),
      line('actual / 实际', d.weekly.actual, ACTUAL, false, 2, holdoutMark),
      line('predicted / 预测', d.weekly.predicted, PREDICTED, true, 2),
    ],
  };
}
