/** Pieces of the HTML report: KPI tiles, findings, recommendations. Values are escaped here, once. */
import type { Chart, Finding, KpiTile, Lang, Recommendation, Text } from '../model.ts';
import { codeName, testName } from '../labels.ts';
import { UI, minimumText, fmtChange, fmtCount, fmtCountExact, fmtP, fmtPct, fmtYuan, fmtYuanExact } from '../i18n.ts';

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const tx = (x: Text, lang: Lang): string => esc(x[lang]);

/** A KPI value to the unit (tiles and the Markdown KPI table), so it reads the same as `siyu insight kpi`. */
export function fmtValue(v: number | null | undefined, unit: KpiTile['unit'], lang: Lang): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (unit === 'yuan') return fmtYuanExact(v);
  if (unit === 'percent') return fmtPct(v);
  if (unit === 'ratio') return v.toFixed(2);
  if (unit === 'days') return lang === 'zh' ? `${v.toFixed(1)} 天` : `${v.toFixed(1)} days`;
  return fmtCountExact(v);
}

function rel(cur: number | null, base: number | null | undefined): number | null {
  if (cur === null || base === null || base === undefined || base === 0) return null;
  return (cur - base) / Math.abs(base);
}

/** good / bad by which way the KPI is better (a churn rate going up is bad), none for no change or no base. */
export function judgement(c: number | null, better: KpiTile['better']): 'good' | 'bad' | '' {
  if (c === null || c === 0 || !Number.isFinite(c)) return '';
  return (c > 0) === ((better ?? 'up') === 'up') ? 'good' : 'bad';
}

export function tilesHtml(tiles: KpiTile[], lang: Lang): string {
  const cell = (label: Text, c: number | null, better: KpiTile['better']) => {
    const cls = judgement(c, better);
    return `<span class="cmp ${cls}"${cls ? ` data-judgement="${cls}"` : ''}>${tx(label, lang)} ${fmtChange(c)}</span>`;
  };
  return `<div class="tiles">${tiles.map((k) => `<div class="tile" data-kpi="${esc(k.key)}">
<div class="tile-label">${tx(k.label, lang)}</div><div class="tile-value">${fmtValue(k.value, k.unit, lang)}</div>
${k.previous !== undefined ? cell(UI.previous, rel(k.value, k.previous), k.better) : ''}${k.lastYear !== undefined ? cell(UI.lastYear, rel(k.value, k.lastYear), k.better) : ''}
${k.target !== undefined && k.target !== null ? `<span class="cmp">${tx(UI.target, lang)} ${fmtValue(k.target, k.unit, lang)}</span>` : ''}
</div>`).join('')}</div>`;
}

export function chartDiv(c: Chart, lang: Lang): string {
  const height = c.kind === 'hbar' ? Math.max(220, 40 + c.categories.length * 28) : c.kind === 'heatmap' ? Math.max(300, 100 + (c.yCategories?.length ?? 0) * 22) : 300;
  return `<figure class="chart-wrap"><div class="chart" id="chart-${esc(c.id)}" data-chart="${esc(c.id)}" role="img" aria-label="${tx(c.title, lang)}" style="height:${height}px"></div></figure>`;
}

export function significanceLine(f: Finding, lang: Lang): string {
  const s = f.significance;
  if (!s) return '';
  const v = (x: number) => (s.unit === 'mean' ? x.toFixed(3) : fmtPct(x));
  const what = s.unit === 'mean' ? (lang === 'zh' ? '均值' : 'means') : (lang === 'zh' ? '比例' : 'shares');
  const body = lang === 'zh'
    ? `${esc(testName(s.test).zh)}：样本 ${fmtCount(s.n1, lang)} 与 ${fmtCount(s.n2, lang)}，${what} ${v(s.p1)} 与 ${v(s.p2)}，z = ${s.z.toFixed(2)}，${fmtP(s.pValue)}`
    : `${esc(testName(s.test).en)}: n = ${fmtCount(s.n1, lang)} vs ${fmtCount(s.n2, lang)}, ${what} ${v(s.p1)} vs ${v(s.p2)}, z = ${s.z.toFixed(2)}, ${fmtP(s.pValue)}`;
  return `<p class="sig"><b>${tx(UI.significance, lang)}</b> ${body}</p>`;
}

export function findingHtml(f: Finding, lang: Lang, rank: number, dataDays: number): string {
  return `<article class="finding" id="finding-${esc(f.id)}" data-finding="${esc(f.id)}">
<h3><span class="rank">#${rank}</span> ${tx(f.title, lang)}</h3>
<p class="statement">${tx(f.statement, lang)}</p>
<p class="why"><b>${tx(UI.why, lang)}</b> ${tx(f.why, lang)}</p>
${significanceLine(f, lang)}
${f.minSpanDays > 0 ? `<p class="basis">${esc(minimumText(f.minSpanDays, dataDays, lang))}</p>` : ''}
${f.chart ? chartDiv(f.chart, lang) : ''}
</article>`;
}

/** A channel and how many its consent reaches: "企业微信（可触达 1,105）" / "WeCom (reachable 1,105)". */
export function channelReach(c: { channel: string; reachable: number }, lang: Lang): string {
  return lang === 'zh' ? `${tx(codeName(c.channel), lang)}（${tx(UI.reachable, lang)} ${fmtCount(c.reachable, lang)}）` : `${tx(codeName(c.channel), lang)} (${tx(UI.reachable, lang)} ${fmtCount(c.reachable, lang)})`;
}

export function recommendationHtml(r: Recommendation, lang: Lang, i: number): string {
  const channels = r.channels.length
    ? r.channels.map((c) => channelReach(c, lang)).join(lang === 'zh' ? '、' : ', ')
    : tx(UI.none, lang);
  return `<article class="rec" id="rec-${esc(r.id)}" data-recommendation="${esc(r.id)}">
<h3><span class="rank">${i + 1}</span> ${tx(r.title, lang)}</h3>
<p>${tx(r.action, lang)}</p>
<table class="kv"><tbody>
<tr><th>${tx(UI.audience, lang)}</th><td>${fmtCount(r.audience, lang)}</td></tr>
<tr><th>${tx(UI.expected, lang)}</th><td>${fmtYuan(r.expectedYuan, lang)}</td></tr>
<tr><th>${tx(UI.assumption, lang)}</th><td>${tx(r.assumption, lang)}</td></tr>
<tr><th>${tx(UI.channel, lang)}</th><td>${channels}</td></tr>
<tr><th>${tx(UI.segment, lang)}</th><td><a href="${esc(r.segment.link)}">${esc(r.segment.key)}</a> — ${tx(r.segment.rule, lang)}</td></tr>
</tbody></table>
</article>`;
}
