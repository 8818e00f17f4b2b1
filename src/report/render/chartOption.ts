/**
 * A report Chart (serialisable value) → an ECharts option for one language. Shares (0–1) are shown as
 * percentages. Animation is off so the PDF and screenshots catch the final frame.
 */
import type { Chart, Lang } from '../model.ts';
import { REPORT_FONT_FAMILY } from './font.ts';

/** Room kept right of a heat map's grid for its scale (bar, handles and their numbers). */
const HEATMAP_SCALE_WIDTH = 64;

const PALETTE = ['#2f6fde', '#f08c2e', '#2fa67a', '#d9493f', '#8a63d2', '#7a8699', '#e0b03a', '#37a2c7'];

export function echartsOption(c: Chart, lang: Lang): Record<string, unknown> {
  const pct = c.unit === 'percent';
  const val = (v: number | null) => (v === null ? null : pct ? Math.round(v * 1000) / 10 : c.unit === 'yuan' && Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100);
  const cats = c.categories.map((x) => x[lang]);
  const base = {
    animation: false,
    color: PALETTE,
    textStyle: { fontFamily: `'${REPORT_FONT_FAMILY}', sans-serif` },
    title: { text: c.title[lang], left: 'center', textStyle: { fontSize: 14, fontWeight: 'bold' } },
    tooltip: { trigger: c.kind === 'pie' || c.kind === 'heatmap' ? 'item' : 'axis' },
    grid: { left: 16, right: 24, top: 48, bottom: c.series.length > 1 ? 40 : 16, containLabel: true },
  };
  const legend = c.series.length > 1 ? { legend: { bottom: 0, data: c.series.map((s) => s.name[lang]) } } : {};
  const valueAxis = { type: 'value', axisLabel: { formatter: pct ? '{value}%' : '{value}' } };
  if (c.kind === 'pie') {
    return {
      ...base,
      legend: { bottom: 0, type: 'scroll' },
      series: [{
        type: 'pie', radius: ['35%', '62%'], center: ['50%', '52%'],
        label: { formatter: '{b}: {d}%' },
        data: cats.map((name, i) => ({ name, value: val(c.series[0]?.data[i] ?? 0) })),
      }],
    };
  }
  if (c.kind === 'heatmap') {
    const ys = (c.yCategories ?? []).map((x) => x[lang]);
    const data: [number, number, number | null][] = [];
    const flat = c.series[0]?.data ?? [];
    let max = 0;
    ys.forEach((_, yi) => cats.forEach((_, xi) => {
      const v = val(flat[yi * cats.length + xi] ?? null);
      if (v !== null) max = Math.max(max, v);
      data.push([xi, yi, v]);
    }));
    // The scale stands on the right, beside the grid (below it, its labels ran into the hour axis); the page drops
    // its drag handles when it prints (html.ts).
    return {
      ...base,
      grid: { ...base.grid, right: HEATMAP_SCALE_WIDTH + 16, bottom: 16 },
      xAxis: { type: 'category', data: cats, splitArea: { show: true } },
      yAxis: { type: 'category', data: ys, inverse: true, splitArea: { show: true } },
      visualMap: { min: 0, max: max || 1, calculable: true, orient: 'vertical', right: 8, top: 'middle', itemWidth: 14, itemHeight: 140 },
      series: [{ type: 'heatmap', data, label: { show: cats.length * ys.length <= 120, fontSize: 9 } }],
    };
  }
  const horizontal = c.kind === 'hbar';
  // Category labels on the left: reserve their width (CJK ≈ 12 px, Latin ≈ 7 px at 12 px) rather than rely on measuring.
  const labelWidth = Math.max(...cats.map((s) => [...s].reduce((w, ch) => w + (ch.codePointAt(0)! > 0x2e80 ? 12 : 7), 0)), 0);
  const catAxis = { type: 'category', data: cats, axisLabel: { interval: horizontal ? 0 : 'auto', hideOverlap: !horizontal }, ...(horizontal ? { inverse: true } : {}) };
  return {
    ...base,
    ...legend,
    ...(horizontal ? { grid: { ...base.grid, left: Math.min(labelWidth, 260) + 20, containLabel: false, bottom: 28 } } : {}),
    xAxis: horizontal ? valueAxis : catAxis,
    yAxis: horizontal ? catAxis : valueAxis,
    series: c.series.map((s) => ({
      type: c.kind === 'line' ? 'line' : 'bar',
      name: s.name[lang],
      data: s.data.map(val),
      ...(s.stack ? { stack: s.stack } : {}),
      ...(c.kind !== 'line' && c.series.length === 1 ? { label: { show: cats.length <= 12, position: horizontal ? 'right' : 'top', fontSize: 10 } } : {}),
    })),
  };
}
