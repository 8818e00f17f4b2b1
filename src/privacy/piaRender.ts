/**
 * The impact assessment's HTML and PDF, drawn with the report's renderer (src/report/render): its stylesheet, its
 * embedded CJK font (so the PDF prints Chinese on a server without fonts) and its PDF printer. The report has no
 * Markdown→HTML function, so the HTML is built here from the same document the Markdown comes from.
 */
import { esc } from '../report/render/htmlParts.ts';
import { REPORT_CSS } from '../report/render/style.ts';
import { embeddedFontCss, REPORT_FONT_FAMILY } from '../report/render/font.ts';
import { renderPdf } from '../report/render/pdf.ts';
import { cellText, type Lang, type PiaDoc } from '../domain/privacy/piaDocument.ts';

/** Inline `code` spans as <code>; everything else escaped. */
const inline = (s: string) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');

export function piaHtml(doc: PiaDoc, lang: Lang): string {
  const body: string[] = [`<header><h1>${esc(doc.title[lang])}</h1><p class="meta">${esc(doc.meta[lang])}</p></header>`];
  for (const s of doc.sections) {
    body.push(`<section class="pia-section"><h2>${esc(s.title[lang])}</h2>`);
    for (const p of s.paragraphs) for (const para of p[lang].split('\n\n')) body.push(`<p>${inline(para)}</p>`);
    if (s.table) {
      body.push(`<table class="kv pia"><thead><tr>${s.table.head.map((h) => `<th>${esc(h[lang])}</th>`).join('')}</tr></thead><tbody>`);
      for (const row of s.table.rows) body.push(`<tr>${row.map((c) => `<td>${inline(cellText(c, lang))}</td>`).join('')}</tr>`);
      body.push('</tbody></table>');
    }
    body.push('</section>');
  }
  const html = body.join('\n');
  const font = embeddedFontCss(html + doc.title[lang]);
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.title[lang])}</title>
<style>${font.css}</style>
<style>${REPORT_CSS.replace('__FONT__', `'${REPORT_FONT_FAMILY}'`)}
table.pia th { width: auto; }
code { font-size: 90%; background: #f1f3f7; padding: 0 3px; border-radius: 3px; }</style>
</head><body>
<main>
${html}
</main>
<script>(document.fonts ? document.fonts.ready : Promise.resolve()).then(function () { document.body.setAttribute('data-charts-ready', '0'); });</script>
</body></html>
`;
}

/** The PDF, printed by the report's headless Chromium (a clear error when it is not installed). */
export function piaPdf(doc: PiaDoc, lang: Lang): Promise<Buffer> {
  return renderPdf(piaHtml(doc, lang));
}
