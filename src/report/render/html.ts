/**
 * The self-contained HTML report (HTML 报告): ECharts' minified build and the CJK font slices are inlined, so the
 * file opens offline and on a machine without Chinese fonts. The page sets `data-charts-ready` on <body> once
 * every chart has drawn, which the PDF printer and the browser tests wait for. The same file prints: in print media
 * it starts with a cover page (title, brand, period) and draws charts without their interactive controls (the heat
 * map's scale slider), so the PDF printed from it (pdf.ts) has neither a slider nor a missing cover.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Chart, Lang, Report } from '../model.ts';
import { CHAPTER_TITLES, UI, minimumText } from '../i18n.ts';
import { echartsOption } from './chartOption.ts';
import { embeddedFontCss, REPORT_FONT_FAMILY } from './font.ts';
import { esc, findingHtml, recommendationHtml, tilesHtml, tx, chartDiv } from './htmlParts.ts';
import { REPORT_CSS } from './style.ts';

let echartsJs: string | null = null;
function echartsSource(): string {
  if (echartsJs === null) {
    const require = createRequire(import.meta.url);
    echartsJs = readFileSync(require.resolve('echarts/dist/echarts.min.js'), 'utf8');
  }
  return echartsJs;
}

/** JSON that is safe inside a <script> element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028|\u2029/g, ' ');

export interface HtmlOptions {
  /** Leave the CJK font out (used by the test that proves the font is what draws the glyphs). */
  withoutFont?: boolean;
}

export function renderHtml(report: Report, lang: Lang, opts: HtmlOptions = {}): string {
  const charts: Chart[] = [];
  const rankOf = new Map(report.ranked.map((f, i) => [f.id, i + 1]));
  const body: string[] = [];
  body.push(coverHtml(report, lang));
  body.push(`<header><h1>${tx(report.title, lang)}</h1>
<p class="meta">${report.brand ? `${esc(report.brand)} · ` : ''}${tx(UI.period, lang)} ${esc(report.window.from)} — ${esc(report.window.to)} · ${tx(UI.generated, lang)} ${esc(report.generatedAt)}</p>
</header>
${report.coverage.partial ? `<p class="warn" data-partial="1">${tx(report.coverage.partial, lang)}</p>` : ''}`);
  body.push(`<nav class="toc"><h2>${tx(UI.contents, lang)}</h2><ol>${report.chapters.map((c) => `<li><a href="#ch-${c.key}">${tx(c.title, lang)}</a></li>`).join('')}</ol></nav>`);
  if (report.ranked.length) {
    body.push(`<section class="top" id="top-findings"><h2>${tx(UI.topFindings, lang)}</h2><ol>${report.ranked.slice(0, 8)
      .map((f) => `<li><a href="#finding-${esc(f.id)}">${tx(f.title, lang)}</a> — ${tx(f.statement, lang)}</li>`).join('')}</ol></section>`);
  }
  for (const ch of report.chapters) {
    const parts: string[] = [`<section class="chapter" id="ch-${ch.key}" data-chapter="${ch.key}"><h2>${tx(ch.title, lang)}</h2><p class="lead">${tx(ch.lead, lang)}</p>`];
    if (ch.tiles?.length) parts.push(tilesHtml(ch.tiles, lang));
    if (ch.facts?.length) parts.push(`<table class="kv facts"><tbody>${ch.facts.map((f) => `<tr><th>${tx(f.label, lang)}</th><td>${tx(f.value, lang)}</td></tr>`).join('')}</tbody></table>`);
    for (const f of ch.findings) {
      parts.push(findingHtml(f, lang, rankOf.get(f.id) ?? 0, report.coverage.dataDays));
      if (f.chart) charts.push(f.chart);
    }
    if (ch.charts.length) parts.push(`<div class="charts">${ch.charts.map((c) => chartDiv(c, lang)).join('')}</div>`);
    charts.push(...ch.charts);
    if (ch.key === 'recommendations') parts.push(report.recommendations.map((r, i) => recommendationHtml(r, lang, i)).join(''));
    parts.push('</section>');
    body.push(parts.join('\n'));
  }
  if (report.omitted.length) {
    body.push(`<section class="omitted" id="omitted"><h2>${tx(UI.omitted, lang)}</h2><ul>${report.omitted
      .map((o) => `<li><b>${tx(CHAPTER_TITLES[o.key], lang)}</b>: ${tx(o.reason, lang)}</li>`).join('')}</ul></section>`);
  }
  if (report.omittedFindings.length) {
    body.push(`<section class="omitted" id="omitted-findings"><h2>${tx(UI.omittedFindings, lang)}</h2><ul>${report.omittedFindings
      .map((o) => `<li data-omitted-finding="${esc(o.id)}"><b>${tx(o.title, lang)}</b>: ${esc(minimumText(o.minSpanDays, o.dataDays, lang))}</li>`).join('')}</ul></section>`);
  }
  const options = Object.fromEntries(charts.map((c) => [c.id, echartsOption(c, lang)]));
  const optionsJson = scriptJson(options);
  const bodyHtml = body.join('\n');
  const font = opts.withoutFont ? { css: '' } : embeddedFontCss(bodyHtml + optionsJson + tx(report.title, lang));
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${tx(report.title, lang)}</title>
<style>${font.css}</style>
<style>${REPORT_CSS.replace('__FONT__', `'${REPORT_FONT_FAMILY}'`)}</style>
<script>${echartsSource()}</script>
</head><body>
<main>
${bodyHtml}
</main>
<script id="chart-options" type="application/json">${optionsJson}</script>
<script>${CHART_BOOT}</script>
</body></html>
`;
}

/** The cover page, shown in print only: the title, the brand, the period and when it was generated. */
function coverHtml(report: Report, lang: Lang): string {
  return `<section class="cover" aria-hidden="true"><div class="cover-brand">${report.brand ? esc(report.brand) : ''}</div>
<h1 class="cover-title">${tx(report.title, lang)}</h1>
<p class="cover-period">${tx(UI.period, lang)} ${esc(report.window.from)} — ${esc(report.window.to)}</p>
<p class="cover-generated">${tx(UI.generated, lang)} ${esc(report.generatedAt)}</p></section>`;
}

/**
 * Draws every chart once the embedded font is loaded (ECharts measures text as it lays out). In print media the
 * charts' interactive controls are left out (a visual map's drag handles print as a slider).
 */
const CHART_BOOT = `(function () {
  var options = JSON.parse(document.getElementById('chart-options').textContent);
  var print = !!(window.matchMedia && window.matchMedia('print').matches);
  var fam = '"${REPORT_FONT_FAMILY}"';
  var text = JSON.stringify(options);
  var loads = document.fonts ? Promise.all([document.fonts.load('12px ' + fam, text), document.fonts.load('bold 14px ' + fam, text)]).catch(function () {}) : Promise.resolve();
  loads.then(function () { return document.fonts ? document.fonts.ready : null; }).then(function () {
    var n = 0;
    document.querySelectorAll('[data-chart]').forEach(function (el) {
      var o = options[el.getAttribute('data-chart')];
      if (!o) return;
      if (print && o.visualMap) { o.visualMap.calculable = false; o.visualMap.text = [String(o.visualMap.max), String(o.visualMap.min)]; }
      var c = echarts.init(el, null, { renderer: 'svg' });
      c.setOption(o);
      n++;
      window.addEventListener('resize', function () { c.resize(); });
    });
    document.body.setAttribute('data-charts-ready', String(n));
  });
})();`;
