import type { App } from '../app/context.ts';
import { basename } from 'node:path';
import type { FileSummary, ImportSummary } from './types.ts';
import { failInterruptedRuns, getRun, iso } from './runs.ts';

/** An HTTP import job (导入任务) as the status resource shows it. */
export interface ImportJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  /** True while the job waits for its turn (at most IMPORT_JOBS_AT_ONCE run at once). */
  waiting?: boolean;
  entity: string;
  files: string[];
  rowsDone: number;
  startedAt: string;
  finishedAt?: string;
  summary?: ImportSummary;
  /** Why it failed; `file` names the file it stopped at when earlier ones were applied (their summary stays). */
  error?: { error: string; message: string; message_zh: string; file?: string };
}

type JobRow = { id: string; status: ImportJob['status']; entity: string; files: string | null; rows_done: number; started_at: number; finished_at: number | null; summary: string | null; error: string | null };

const INTERRUPTED = {
  error: 'interrupted',
  message: 'The server stopped while this import ran or waited; the file being imported was not recorded as done. Upload it again (safe: rows already there are left alone).',
  message_zh: '导入进行或等待中服务器已停止；正在导入的文件未记录为完成。请重新上传（安全：已有的行不会重复导入）。',
};

/**
 * Import jobs kept in the state store (import_jobs), so a restart does not lose their status: created running,
 * progress written at most once a second, finished with the summary or the error.
 */
export class ImportJobs {
  private lastProgress = new Map<string, number>();

  constructor(private readonly app: App) {}

  /**
   * Jobs a previous server process left running (or waiting) can never finish: mark them failed. So are the per-file
   * import runs a killed process left running (a server starts alone on its store: no import of another process is live).
   */
  async failInterrupted(): Promise<number> {
    const ws = this.app.workspaceId;
    await failInterruptedRuns(this.app);
    return this.app.state.run(
      `update import_jobs set status = 'failed', finished_at = $at, error = $e where workspace_id = $ws and status = 'running'`,
      { ws, at: Date.now(), e: JSON.stringify(INTERRUPTED) },
    );
  }

  async create(job: ImportJob): Promise<void> {
    await this.app.state.run(
      `insert into import_jobs (workspace_id, id, status, entity, files, rows_done, started_at) values ($ws, $id, 'running', $entity, $files, 0, $at)`,
      { ws: this.app.workspaceId, id: job.id, entity: job.entity, files: JSON.stringify(job.files), at: Date.parse(job.startedAt) },
    );
  }

  async progress(id: string, rowsDone: number): Promise<void> {
    const now = Date.now();
    if (now - (this.lastProgress.get(id) ?? 0) < 1000) return;
    this.lastProgress.set(id, now);
    await this.app.state.run(`update import_jobs set rows_done = $n where workspace_id = $ws and id = $id`, { ws: this.app.workspaceId, id, n: rowsDone });
  }

  async finish(id: string, r: { summary?: ImportSummary; error?: ImportJob['error'] }): Promise<void> {
    this.lastProgress.delete(id);
    await this.app.state.run(
      `update import_jobs set status = $status, finished_at = $at, rows_done = $n, summary = cast($summary as text), error = cast($error as text) where workspace_id = $ws and id = $id`,
      { ws: this.app.workspaceId, id, at: Date.now(), status: r.error ? 'failed' : 'done', n: r.summary?.rows ?? 0, summary: r.summary ? JSON.stringify(r.summary) : null, error: r.error ? JSON.stringify(r.error) : null },
    );
  }

  /**
   * One file's import run (import_runs: what `GET /api/v1/imports` lists, also CLI imports) as a status resource, so
   * every id the list shows can be looked up: its summary is that file's, without the identity totals of a job.
   */
  async run(id: string): Promise<ImportJob | undefined> {
    const r = await getRun(this.app, id);
    if (!r) return undefined;
    const file = r.summary as Partial<FileSummary> & { dryRun?: boolean };
    const name = file.file ? basename(file.file) : '';
    const job: ImportJob = { id: r.id, status: r.status, entity: r.entity, files: name ? [name] : [], rowsDone: Number(r.rows ?? 0), startedAt: iso(r.startedAt)!, ...(r.finishedAt !== null ? { finishedAt: iso(r.finishedAt)! } : {}) };
    if (r.status === 'done') {
      const { dryRun, ...rest } = file;
      job.summary = {
        entity: r.entity, dryRun: Boolean(dryRun), rows: Number(r.rows), imported: Number(file.imported ?? 0), updated: Number(file.updated ?? 0),
        unchanged: Number(file.unchanged ?? 0), rejected: Number(r.rejected), files: [{ ...rest, file: name }],
      } as unknown as ImportSummary;
    }
    if (r.error) job.error = { error: 'import_failed', message: r.error, message_zh: `导入失败：${r.error}` };
    return job;
  }

  async get(id: string): Promise<ImportJob | undefined> {
    const r = await this.app.state.get<JobRow>(
      `select id, status, entity, files, rows_done, started_at, finished_at, summary, error from import_jobs where workspace_id = $ws and id = $id`,
      { ws: this.app.workspaceId, id },
    );
    if (!r) return undefined;
    return {
      id: r.id, status: r.status, entity: r.entity, files: r.files ? JSON.parse(r.files) : [], rowsDone: Number(r.rows_done), startedAt: iso(Number(r.started_at))!,
      ...(r.finished_at !== null && r.finished_at !== undefined ? { finishedAt: iso(Number(r.finished_at))! } : {}), ...(r.summary ? { summary: JSON.parse(r.summary) } : {}), ...(r.error ? { error: JSON.parse(r.error) } : {}),
    };
  }
}
