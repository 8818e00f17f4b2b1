/**
 * Monthly reports kept as history (月度报告存档): once a calendar month with data is over, the report on it is
 * generated in both languages and kept under <SIYU_DATA_DIR>/reports/<YYYY-MM>/, with a row in report_history.
 * The server checks for a due month shortly after it starts and every six hours after.
 */
import { repeatEvery } from '../server/repeat.ts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { paths } from '../config.ts';
import { UserError } from '../errors.ts';
import { buildReport } from './build.ts';
import { renderReport, type ReportFormat } from './generate.ts';
import { dataSpan } from './queries/dataSpan.ts';
import { defaultPeriod } from './domain/periods.ts';
import { chromiumPath } from './render/browser.ts';
import { LANGS } from './model.ts';

export interface HistoryRow {
  month: string;
  period_from: string;
  period_to: string;
  generated_at: string;
  files: string[];
  findings: number;
  recommendations: number;
}

const lastDayOf = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};
/** The latest calendar month the orders cover from its first to its last day (the default period), or null. */
export async function latestCompleteMonth(app: App): Promise<string | null> {
  const s = await dataSpan(app.warehouse, app.workspaceId);
  if (!s.first || !s.last) return null;
  const p = defaultPeriod(s.first, s.last);
  return p.complete ? p.from.slice(0, 7) : null;
}

/** Generates the month's report (zh and en; HTML and Markdown, and PDF when Chromium is there) and records it. */
export async function generateMonthly(app: App, month: string, opts: { pdf?: boolean } = {}): Promise<HistoryRow> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UserError('bad_month', `The month must be YYYY-MM, not '${month}'.`, `月份必须是 YYYY-MM，而不是 '${month}'。`);
  const report = await buildReport(app, { from: `${month}-01`, to: lastDayOf(month) });
  const dir = join(paths.reports(app.dir), month);
  mkdirSync(dir, { recursive: true });
  const formats: ReportFormat[] = ['html', 'md', ...((opts.pdf ?? chromiumPath() !== null) ? ['pdf' as const] : [])];
  const files: string[] = [];
  for (const lang of LANGS) {
    for (const format of formats) {
      const name = `report-${lang}.${format}`;
      writeFileSync(join(dir, name), await renderReport(report, lang, format));
      files.push(name);
    }
  }
  const row: HistoryRow = {
    month, period_from: report.window.from, period_to: report.window.to, generated_at: new Date().toISOString(),
    files, findings: report.ranked.length, recommendations: report.recommendations.length,
  };
  await app.warehouse.run(`delete from report_history where workspace_id = $ws and month = $month`, { ws: app.workspaceId, month });
  await app.warehouse.run(`insert into report_history (workspace_id, month, period_from, period_to, generated_at, files, findings, recommendations)
    values ($ws, $month, $from::date, $to::date, $at::timestamp, $files::json, $findings, $recs)`, {
    ws: app.workspaceId, month, from: row.period_from, to: row.period_to, at: row.generated_at.replace('T', ' ').replace('Z', ''),
    files: JSON.stringify(files), findings: row.findings, recs: row.recommendations,
  });
  await app.audit({ actor: app.actor, action: 'report.monthly', target: month, detail: { files } });
  return row;
}

export async function listReportHistory(app: App): Promise<HistoryRow[]> {
  const rows = await app.warehouse.all(`select month, period_from::varchar as period_from, period_to::varchar as period_to,
      strftime(generated_at, '%Y-%m-%dT%H:%M:%SZ') as generated_at, files::varchar as files, findings, recommendations
    from report_history where workspace_id = $ws order by month desc`, { ws: app.workspaceId });
  return rows.map((r) => ({
    month: String(r.month), period_from: String(r.period_from), period_to: String(r.period_to), generated_at: String(r.generated_at),
    files: JSON.parse(String(r.files)) as string[], findings: Number(r.findings), recommendations: Number(r.recommendations),
  }));
}

/** Generates the latest complete month when it is not in the history yet; returns the month generated, if any. */
export async function generateDueMonth(app: App): Promise<string | null> {
  const month = await latestCompleteMonth(app);
  if (!month) return null;
  const done = await app.warehouse.all(`select 1 from report_history where workspace_id = $ws and month = $month`, { ws: app.workspaceId, month });
  if (done.length) return null;
  await generateMonthly(app, month);
  return month;
}

export function readHistoryFile(app: App, month: string, file: string): { bytes: Buffer; format: ReportFormat } {
  const m = /^report-(zh|en)\.(html|pdf|md)$/.exec(file);
  const p = join(paths.reports(app.dir), month, file);
  if (!/^\d{4}-\d{2}$/.test(month) || !m || !existsSync(p)) throw new UserError('not_found', `No report ${month}/${file} in the history.`, `历史报告中没有 ${month}/${file}。`, 404);
  return { bytes: readFileSync(p), format: m[2] as ReportFormat };
}

/** Starts the monthly check (off with SIYU_REPORT_SCHEDULE=off); returns the function that stops it. */
export function startMonthlySchedule(app: App, log: { info(o: object, m: string): void; error(o: object, m: string): void }): () => void {
  if (process.env.SIYU_REPORT_SCHEDULE === 'off') return () => undefined;
  return repeatEvery(120_000, 6 * 3600_000, async () => {
    try {
      const month = await generateDueMonth(app);
      if (month) log.info({ month }, 'monthly report generated');
    } catch (e) {
      log.error({ err: { message: (e as Error).message } }, 'monthly report failed');
    }
  });
}
