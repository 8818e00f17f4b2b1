/**
 * Reports kept as history (月度报告存档): a report on a month, generated in both languages, kept under
 * <SIYU_DATA_DIR>/reports/<YYYY-MM>/ with a row in the state store's report_history (instants epoch ms, files as JSON
 * text) and, beside the files, kept.json: the data watermark the report was built on (watermark.ts), which tells a
 * reader whether the kept copy is still current. Files are replaced durably (durableFile.ts); the row is written
 * after them, so a crash leaves the previous report or the new one, and at worst a month that is generated again.
 * A store made before the state store has its warehouse rows moved at open (src/app/legacy.ts).
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { paths } from '../config.ts';
import { UserError } from '../errors.ts';
import { buildReport } from './build.ts';
import { renderReport, type ReportFormat } from './generate.ts';
import { dataSpan } from './queries/dataSpan.ts';
import { defaultPeriod, monthEnd, type Period } from './domain/periods.ts';
import { chromiumPath } from './render/browser.ts';
import { LANGS } from './model.ts';
import { writeFileDurably } from './durableFile.ts';
import { reportWatermark } from './watermark.ts';

export interface HistoryRow {
  month: string;
  period_from: string;
  period_to: string;
  generated_at: string;
  files: string[];
  findings: number;
  recommendations: number;
}

/** What kept.json says about the files beside it. */
export interface KeptMeta {
  watermark: string;
  period_from: string;
  period_to: string;
  generated_at: string;
}

const FILE = /^report-(zh|en)\.(html|pdf|md)$/;
const monthDir = (app: App, month: string) => join(paths.reports(app.dir), month);

function checkMonth(month: string): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UserError('bad_month', `The month must be YYYY-MM, not '${month}'.`, `月份必须是 YYYY-MM，而不是 '${month}'。`);
}

/** The latest calendar month the orders cover from its first to its last day (the default period), or null. */
export async function latestCompleteMonth(app: App): Promise<string | null> {
  const s = await dataSpan(app.warehouse, app.workspaceId);
  if (!s.first || !s.last) return null;
  const p = defaultPeriod(s.first, s.last);
  return p.complete ? p.from.slice(0, 7) : null;
}

/**
 * Builds the report on `window` (within one month) and keeps it as that month's history: zh and en, HTML and
 * Markdown, and PDF when asked or when Chromium is present. `watermark`: the data watermark taken before the build
 * (default: taken now), so data that arrives during the build makes the copy stale rather than wrongly current.
 */
export async function keepReport(app: App, window: Period, opts: { pdf?: boolean; watermark?: string } = {}): Promise<HistoryRow> {
  const month = window.from.slice(0, 7);
  checkMonth(month);
  const watermark = opts.watermark ?? (await reportWatermark(app));
  const report = await buildReport(app, window);
  const dir = monthDir(app, month);
  const formats: ReportFormat[] = ['html', 'md', ...((opts.pdf ?? chromiumPath() !== null) ? ['pdf' as const] : [])];
  const files: string[] = [];
  for (const lang of LANGS) {
    for (const format of formats) {
      const name = `report-${lang}.${format}`;
      writeFileDurably(join(dir, name), await renderReport(report, lang, format));
      files.push(name);
    }
  }
  for (const f of readdirSync(dir)) if (FILE.test(f) && !files.includes(f)) rmSync(join(dir, f), { force: true });
  const generatedAt = Date.now();
  const row: HistoryRow = {
    month, period_from: report.window.from, period_to: report.window.to, generated_at: new Date(generatedAt).toISOString(),
    files, findings: report.ranked.length, recommendations: report.recommendations.length,
  };
  const meta: KeptMeta = { watermark, period_from: row.period_from, period_to: row.period_to, generated_at: row.generated_at };
  writeFileDurably(join(dir, 'kept.json'), JSON.stringify(meta));
  await app.state.run(`insert into report_history (workspace_id, month, period_from, period_to, generated_at, files, findings, recommendations)
    values ($ws, $month, $from, $to, $at, $files, $findings, $recs)
    on conflict (workspace_id, month) do update set period_from = excluded.period_from, period_to = excluded.period_to,
      generated_at = excluded.generated_at, files = excluded.files, findings = excluded.findings, recommendations = excluded.recommendations`, {
    ws: app.workspaceId, month, from: row.period_from, to: row.period_to, at: generatedAt,
    files: JSON.stringify(files), findings: row.findings, recs: row.recommendations,
  });
  await app.audit({ actor: app.actor, action: 'report.monthly', target: month, detail: { files, period: window } });
  return row;
}

/** Generates the whole month's report (zh and en; HTML and Markdown, and PDF when Chromium is there) and keeps it. */
export async function generateMonthly(app: App, month: string, opts: { pdf?: boolean } = {}): Promise<HistoryRow> {
  checkMonth(month);
  return keepReport(app, { from: `${month}-01`, to: monthEnd(`${month}-01`) }, opts);
}

type StateRow = { month: string; period_from: string; period_to: string; generated_at: number | string; files: string; findings: number; recommendations: number };

const toRow = (r: StateRow): HistoryRow => ({
  month: String(r.month), period_from: String(r.period_from), period_to: String(r.period_to), generated_at: new Date(Number(r.generated_at)).toISOString(),
  files: JSON.parse(String(r.files)) as string[], findings: Number(r.findings), recommendations: Number(r.recommendations),
});

export async function listReportHistory(app: App): Promise<HistoryRow[]> {
  const rows = await app.state.all<StateRow>(`select month, period_from, period_to, generated_at, files, findings, recommendations
    from report_history where workspace_id = $ws order by month desc`, { ws: app.workspaceId });
  return rows.map(toRow);
}

export async function historyRow(app: App, month: string): Promise<HistoryRow | null> {
  const r = await app.state.get<StateRow>(`select month, period_from, period_to, generated_at, files, findings, recommendations
    from report_history where workspace_id = $ws and month = $month`, { ws: app.workspaceId, month });
  return r ? toRow(r) : null;
}

/** The watermark and period the kept files of a month were built on, or null when there is none (or it is unreadable). */
export function keptMeta(app: App, month: string): KeptMeta | null {
  const p = join(monthDir(app, month), 'kept.json');
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as KeptMeta;
  } catch {
    return null;
  }
}

/** Adds a file rendered later (a PDF asked for) to a month's kept copy. */
export async function addKeptFile(app: App, month: string, name: string, bytes: Buffer): Promise<void> {
  if (!FILE.test(name)) throw new Error(`not a report file name: ${name}`);
  writeFileDurably(join(monthDir(app, month), name), bytes);
  const row = await historyRow(app, month);
  if (row && !row.files.includes(name)) {
    await app.state.run(`update report_history set files = $files where workspace_id = $ws and month = $month`,
      { ws: app.workspaceId, month, files: JSON.stringify([...row.files, name]) });
  }
}

/** Generates the latest complete month when the history has no whole-month report on it; returns the month, if any. */
export async function generateDueMonth(app: App): Promise<string | null> {
  const month = await latestCompleteMonth(app);
  if (!month) return null;
  const row = await historyRow(app, month);
  if (row && row.period_from === `${month}-01` && row.period_to === monthEnd(`${month}-01`)) return null;
  await generateMonthly(app, month);
  return month;
}

export function readHistoryFile(app: App, month: string, file: string): { bytes: Buffer; format: ReportFormat } {
  const m = FILE.exec(file);
  const p = join(monthDir(app, month), file);
  if (!/^\d{4}-\d{2}$/.test(month) || !m || !existsSync(p)) throw new UserError('not_found', `No report ${month}/${file} in the history.`, `历史报告中没有 ${month}/${file}。`, 404);
  return { bytes: readFileSync(p), format: m[2] as ReportFormat };
}
