import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { paths } from '../../config.ts';
import { checkLangFormat, generateReport } from '../../report/generate.ts';
import { generateMonthly, latestCompleteMonth } from '../../report/history.ts';
import { UserError } from '../../errors.ts';

interface ReportFlags { from?: string; to?: string; lang: string; format: string; out?: string; json?: boolean; monthly?: string | boolean }

export function registerReport(program: Command, env: CommandEnv): void {
  program
    .command('report')
    .description('The insight & optimisation report (HTML, PDF, Markdown; zh/en) / 零售私域流量运营数据洞察与营销优化报告')
    .option('--from <day>', 'first day of the period (YYYY-MM-DD); default: the month of the last data day')
    .option('--to <day>', 'last day of the period (YYYY-MM-DD); default: the last day with data')
    .option('--lang <lang>', 'zh | en', 'zh')
    .option('--format <format>', 'html | pdf | md', 'html')
    .option('--out <file>', 'where to write it; default <data dir>/reports/report-<to>-<lang>.<format>')
    .option('--monthly [month]', 'generate a month (YYYY-MM; default the latest complete one) in zh and en, kept as history under <data dir>/reports')
    .option('--json', 'print a machine-readable summary')
    .action(async (o: ReportFlags) => {
      if (o.monthly !== undefined) {
        const row = await env.withApp(async (app) => {
          const month = typeof o.monthly === 'string' ? o.monthly : await latestCompleteMonth(app);
          if (!month) throw new UserError('no_data', 'No complete month with data yet.', '还没有一个完整月份的数据。');
          return generateMonthly(app, month);
        });
        emit(env.output, o.json, row, () => `monthly report ${row.month} kept: ${row.files.join(', ')} (${row.findings} findings, ${row.recommendations} recommendations)`);
        return;
      }
      const { lang, format } = checkLangFormat(o.lang, o.format);
      const result = await env.withApp(async (app) => {
        const { report, bytes } = await generateReport(app, { from: o.from, to: o.to, lang, format });
        const file = o.out ? resolve(env.cwd, o.out) : join(paths.reports(app.dir), `report-${report.window.to}-${lang}.${format}`);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, bytes);
        await app.audit({ actor: app.actor, action: 'report.generate', target: file, detail: { lang, format, window: report.window } });
        return { file, bytes: bytes.length, window: report.window, chapters: report.chapters.map((c) => c.key), omitted: report.omitted.map((c) => c.key), findings: report.ranked.length, recommendations: report.recommendations.length };
      });
      emit(env.output, o.json, result, () => `report written: ${result.file} (${Math.round(result.bytes / 1024)} KiB; ${result.window.from} — ${result.window.to}; ${result.chapters.length} chapters, ${result.findings} findings, ${result.recommendations} recommendations)`);
    });
}
