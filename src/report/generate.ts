/** One call from options to bytes: build the report, render it in the language and format asked for. */
import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { buildReport, type ReportOptions } from './build.ts';
import type { Lang, Report } from './model.ts';
import { renderHtml } from './render/html.ts';
import { renderMarkdown } from './render/markdown.ts';
import { renderPdf } from './render/pdf.ts';

export type ReportFormat = 'html' | 'pdf' | 'md';
export const FORMATS: ReportFormat[] = ['html', 'pdf', 'md'];

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  md: 'text/markdown; charset=utf-8',
};

export function checkLangFormat(lang: string, format: string): { lang: Lang; format: ReportFormat } {
  if (lang !== 'zh' && lang !== 'en') throw new UserError('bad_lang', `--lang must be zh or en, not '${lang}'.`, `--lang 只能是 zh 或 en，而不是 '${lang}'。`);
  if (!FORMATS.includes(format as ReportFormat)) throw new UserError('bad_format', `--format must be html, pdf or md, not '${format}'.`, `--format 只能是 html、pdf 或 md，而不是 '${format}'。`);
  return { lang, format: format as ReportFormat };
}

export async function renderReport(report: Report, lang: Lang, format: ReportFormat): Promise<Buffer> {
  if (format === 'md') return Buffer.from(renderMarkdown(report, lang), 'utf8');
  const html = renderHtml(report, lang);
  return format === 'html' ? Buffer.from(html, 'utf8') : renderPdf(html);
}

export async function generateReport(app: App, o: ReportOptions & { lang: Lang; format: ReportFormat }): Promise<{ report: Report; bytes: Buffer }> {
  const report = await buildReport(app, o);
  return { report, bytes: await renderReport(report, o.lang, o.format) };
}
