/**
 * The report served from its kept copy (报告缓存): `/` and `/report` without a period answer with the default
 * period's report from the history (history.ts) instead of building it on every visit (8–10 s on a real store).
 * The kept copy carries the data watermark it was built on; when the data has changed since, the visitor still gets
 * the kept copy at once and one rebuild starts in the background (visits during it do not start another); the next
 * visit gets the new report. Only a visit with no kept copy of the default period waits for a build. The monthly
 * check of `siyu serve` (two minutes after start, then every six hours) goes through the same keeper.
 *
 * Builds run on a warehouse connection of their own (appOn), so a request's queries never join their transactions.
 */
import { appOn, type App } from '../app/context.ts';
import { repeatEvery } from '../server/repeat.ts';
import type { Lang } from './model.ts';
import type { ReportFormat } from './generate.ts';
import { addKeptFile, generateDueMonth, historyRow, keepReport, keptMeta, readHistoryFile } from './history.ts';
import { resolvePeriod } from './period.ts';
import { reportWatermark } from './watermark.ts';
import { renderPdf } from './render/pdf.ts';

export interface Served {
  bytes: Buffer;
  /** fresh: kept and current; stale: kept, a rebuild started; built: there was no kept copy, built for this visit. */
  state: 'fresh' | 'stale' | 'built';
  month: string;
}

interface Log { info(o: object, m: string): void; error(o: object, m: string): void }

export class ReportKeeper {
  private readonly app: App;
  private readonly log: Log;
  /** The build under way per month; everything on a month's files runs in this chain, one at a time. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly rebuilding = new Set<string>();

  constructor(app: App, log: Log) {
    this.app = app;
    this.log = log;
  }

  /** The default period's report in this language and format (see the module comment). */
  async serve(lang: Lang, format: ReportFormat): Promise<Served> {
    const { window } = await resolvePeriod(this.app, {});
    const month = window.from.slice(0, 7);
    const name = `report-${lang}.${format === 'pdf' ? 'html' : format}`;
    const current = await reportWatermark(this.app);
    let kept = await this.keptFor(month, window, name);
    if (!kept && this.chains.has(month)) {
      // a build of this month is under way (another visitor's, or the monthly check): wait for it, not build twice
      await this.chains.get(month)!.catch(() => undefined);
      kept = await this.keptFor(month, window, name);
    }
    let state: Served['state'];
    if (!kept) {
      await this.inChain(month, () => this.rebuild(window, current));
      state = 'built';
    } else if (kept.watermark === current) {
      state = 'fresh';
    } else {
      state = 'stale';
      this.rebuildInBackground(month, window, current);
    }
    const bytes = format === 'pdf' ? await this.pdf(month, lang) : readHistoryFile(this.app, month, name).bytes;
    return { bytes, state, month };
  }

  /** Resolves once no build is under way (tests; the server's shutdown). */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
  }

  /** The monthly check: the latest complete month, generated when the history lacks it. */
  start(): () => void {
    if (process.env.SIYU_REPORT_SCHEDULE === 'off') return () => undefined;
    return repeatEvery(120_000, 6 * 3600_000, async () => {
      try {
        const month = await this.withConnection((app) => generateDueMonth(app));
        if (month) this.log.info({ month }, 'monthly report generated');
      } catch (e) {
        this.log.error({ err: { message: (e as Error).message } }, 'monthly report failed');
      }
    });
  }

  private async keptFor(month: string, window: { from: string; to: string }, name: string): Promise<{ watermark: string } | null> {
    const row = await historyRow(this.app, month);
    const meta = keptMeta(this.app, month);
    if (!row || !meta || !row.files.includes(name)) return null;
    if (row.period_from !== window.from || row.period_to !== window.to || meta.period_from !== window.from || meta.period_to !== window.to) return null;
    return { watermark: meta.watermark };
  }

  private rebuildInBackground(month: string, window: { from: string; to: string }, watermark: string): void {
    if (this.rebuilding.has(month)) return;
    this.rebuilding.add(month);
    void this.inChain(month, () => this.rebuild(window, watermark))
      .then(() => this.log.info({ month }, 'kept report rebuilt after a data change'))
      .catch((e: unknown) => this.log.error({ err: { message: (e as Error).message } }, 'kept report rebuild failed'))
      .finally(() => this.rebuilding.delete(month));
  }

  private rebuild(window: { from: string; to: string }, watermark: string): Promise<unknown> {
    return this.withConnection((app) => keepReport(app, window, { pdf: false, watermark }));
  }

  /** The PDF of the kept copy: printed from its HTML the first time it is asked for, then kept beside it. */
  private async pdf(month: string, lang: Lang): Promise<Buffer> {
    const name = `report-${lang}.pdf`;
    const row = await historyRow(this.app, month);
    if (row?.files.includes(name)) {
      try {
        return readHistoryFile(this.app, month, name).bytes;
      } catch {
        // replaced by a rebuild meanwhile: print it again below
      }
    }
    return this.inChain(month, async () => {
      const html = readHistoryFile(this.app, month, `report-${lang}.html`).bytes.toString('utf8');
      const pdf = await renderPdf(html);
      await addKeptFile(this.app, month, name, pdf);
      return pdf;
    });
  }

  private inChain<T>(month: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(month) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.chains.set(month, next);
    void next.catch(() => undefined).finally(() => { if (this.chains.get(month) === next) this.chains.delete(month); });
    return next;
  }

  private async withConnection<T>(fn: (app: App) => Promise<T>): Promise<T> {
    const conn = await this.app.warehouse.fork();
    try {
      return await fn(appOn(this.app, conn, 'report'));
    } finally {
      conn.close();
    }
  }
}
