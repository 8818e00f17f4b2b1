/** The Markdown report (Markdown 报告): the same chapters and findings; each evidence chart becomes its data table. */
import type { Chart, Lang, Report } from '../model.ts';
import { CHAPTER_TITLES, UI, minimumText, fmtCount, fmtP, fmtPct, fmtYuan, fmtYuanExact } from '../i18n.ts';
import { fmtValue } from './htmlParts.ts';
import { codeName, testName } from '../labels.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function chartTable(c: Chart, lang: Lang): string {
  const fmt = (v: number | null) => (v === null ? '—' : c.unit === 'percent' ? fmtPct(v) : c.unit === 'yuan' ? fmtYuanExact(v) : String(Math.round(v * 100) / 100));
  const lines = [`*${cell(c.title[lang])}*`, ''];
  if (c.kind === 'heatmap') {
    const xs = c.categories.map((x) => x[lang]);
    lines.push(`| | ${xs.map(cell).join(' | ')} |`, `|---|${xs.map(() => '---:').join('|')}|`);
    (c.yCategories ?? []).forEach((y, yi) => lines.push(`| ${cell(y[lang])} | ${xs.map((_, xi) => fmt(c.series[0]?.data[yi * xs.length + xi] ?? null)).join(' | ')} |`));
  } else {
    lines.push(`| | ${c.series.map((s) => cell(s.name[lang])).join(' | ')} |`, `|---|${c.series.map(() => '---:').join('|')}|`);
    c.categories.forEach((x, i) => lines.push(`| ${cell(x[lang])} | ${c.series.map((s) => fmt(s.data[i] ?? null)).join(' | ')} |`));
  }
  return lines.join('\n');
}

export function renderMarkdown(r: Report, lang: Lang): string {
  const out: string[] = [`# ${r.title[lang]}`, '', `${r.brand ? `${r.brand} · ` : ''}${UI.period[lang]} ${r.window.from} — ${r.window.to} · ${UI.generated[lang]} ${r.generatedAt}`, ''];
  if (r.coverage.partial) out.push(`> **${r.coverage.partial[lang]}**`, '');
  const rankOf = new Map(r.ranked.map((f, i) => [f.id, i + 1]));
  if (r.ranked.length) {
    out.push(`## ${UI.topFindings[lang]}`, '');
    r.ranked.slice(0, 8).forEach((f, i) => out.push(`${i + 1}. **${f.title[lang]}** — ${f.statement[lang]}`));
    out.push('');
  }
  for (const ch of r.chapters) {
    out.push(`## ${ch.title[lang]}`, '', ch.lead[lang], '');
    if (ch.tiles?.length) {
      out.push(`| | ${UI.current[lang]} | ${UI.previous[lang]} | ${UI.lastYear[lang]} | ${UI.target[lang]} |`, '|---|---:|---:|---:|---:|');
      for (const k of ch.tiles) {
        const f = (v: number | null | undefined) => (v === undefined ? '—' : fmtValue(v, k.unit, lang));
        out.push(`| ${k.label[lang]} | ${f(k.value)} | ${f(k.previous)} | ${f(k.lastYear)} | ${f(k.target)} |`);
      }
      out.push('');
    }
    for (const f of ch.facts ?? []) out.push(`- **${f.label[lang]}**: ${f.value[lang]}`);
    if (ch.facts?.length) out.push('');
    for (const f of ch.findings) {
      out.push(`### #${rankOf.get(f.id) ?? 0} ${f.title[lang]}`, '', f.statement[lang], '', `**${UI.why[lang]}** ${f.why[lang]}`, '');
      if (f.significance) {
        const s = f.significance;
        const v = (x: number) => (s.unit === 'mean' ? x.toFixed(3) : fmtPct(x));
        out.push(`**${UI.significance[lang]}** ${testName(s.test)[lang]}: n = ${fmtCount(s.n1, lang)} / ${fmtCount(s.n2, lang)}, ${v(s.p1)} / ${v(s.p2)}, z = ${s.z.toFixed(2)}, ${fmtP(s.pValue)}`, '');
      }
      if (f.minSpanDays > 0) out.push(`*${minimumText(f.minSpanDays, r.coverage.dataDays, lang)}*`, '');
      if (f.chart) out.push(chartTable(f.chart, lang), '');
    }
    for (const c of ch.charts) out.push(chartTable(c, lang), '');
    if (ch.key === 'recommendations') {
      r.recommendations.forEach((rec, i) => {
        out.push(`### ${i + 1}. ${rec.title[lang]}`, '', rec.action[lang], '',
          `- **${UI.audience[lang]}**: ${fmtCount(rec.audience, lang)}`,
          `- **${UI.expected[lang]}**: ${fmtYuan(rec.expectedYuan, lang)}`,
          `- **${UI.assumption[lang]}**: ${rec.assumption[lang]}`,
          `- **${UI.channel[lang]}**: ${rec.channels.map((c) => (lang === 'zh' ? `${codeName(c.channel).zh}（${UI.reachable.zh} ${fmtCount(c.reachable, lang)}）` : `${codeName(c.channel).en} (${UI.reachable.en} ${fmtCount(c.reachable, lang)})`)).join(lang === 'zh' ? '、' : ', ') || UI.none[lang]}`,
          `- **${UI.segment[lang]}**: [${rec.segment.key}](${rec.segment.link}) — ${rec.segment.rule[lang]}`, '');
      });
    }
  }
  if (r.omitted.length) {
    out.push(`## ${UI.omitted[lang]}`, '');
    for (const o of r.omitted) out.push(`- **${CHAPTER_TITLES[o.key][lang]}**: ${o.reason[lang]}`);
    out.push('');
  }
  if (r.omittedFindings.length) {
    out.push(`## ${UI.omittedFindings[lang]}`, '');
    for (const o of r.omittedFindings) out.push(`- **${o.title[lang]}**: ${minimumText(o.minSpanDays, o.dataDays, lang)}`);
    out.push('');
  }
  return out.join('\n');
}
