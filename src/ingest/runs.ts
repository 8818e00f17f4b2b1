import { randomUUID } from 'node:crypto';
import type { App } from '../app/context.ts';

/**
 * Import runs (导入记录): one row per file imported, kept in the state store (import_runs), for the status resource
 * of the API, the quality report and the next import's word on an interrupted one. A run is started `running`
 * before the file is read and finished `done` only after the file's warehouse transaction has committed and been
 * checkpointed (src/ingest/index.ts), so a run left `running` by a process that died means: the file may or may not
 * be in the warehouse, and importing it again is safe (rows already there are left alone).
 */

/** Runs of this process not yet finished: any other `running` run was left by a process that stopped. */
const live = new Set<string>();

export interface RunRow {
  id: string;
  entity: string;
  source: string | null;
  status: 'running' | 'done' | 'failed';
  startedAt: number;
  finishedAt: number | null;
  rows: number | null;
  imported: number | null;
  rejected: number | null;
  /** The file's summary (FileSummary, `dryRun` when it was one), or `{ file }` while it runs. */
  summary: Record<string, unknown>;
  error: string | null;
}

type Stored = { id: string; entity: string; source: string | null; status: RunRow['status']; started_at: number; finished_at: number | null; rows: number | null; imported: number | null; rejected: number | null; summary: string | null; error: string | null };

const COLUMNS = 'id, entity, source, status, started_at, finished_at, rows, imported, rejected, summary, error';

function row(r: Stored): RunRow {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: r.id, entity: r.entity, source: r.source ?? null, status: r.status, startedAt: Number(r.started_at), finishedAt: num(r.finished_at),
    rows: num(r.rows), imported: num(r.imported), rejected: num(r.rejected), summary: r.summary ? JSON.parse(r.summary) : {}, error: r.error ?? null,
  };
}

let lastStart = 0;

/** A file's run begins (status running); returns its id. Runs of one process start at distinct instants (listed in order). */
export async function startRun(app: App, r: { entity: string; source: string | null; file: string }): Promise<string> {
  const id = randomUUID();
  const at = (lastStart = Math.max(Date.now(), lastStart + 1));
  await app.state.run(
    `insert into import_runs (workspace_id, id, entity, source, status, started_at, summary) values ($ws, $id, $entity, $source, 'running', $at, $summary)`,
    { ws: app.workspaceId, id, entity: r.entity, source: r.source, at, summary: JSON.stringify({ file: r.file }) },
  );
  live.add(id);
  return id;
}

/** A file's run ends: done with its summary, or failed with the reason. */
export async function finishRun(app: App, id: string, r: { status: 'done'; summary: object } | { status: 'failed'; error: string }): Promise<void> {
  const s = r.status === 'done' ? (r.summary as { rows?: number; imported?: number; rejected?: number; dryRun?: boolean }) : undefined;
  try {
    await app.state.run(
      `update import_runs set status = $status, finished_at = $at, rows = $rows, imported = $imported, rejected = $rejected,
         summary = coalesce(cast($summary as text), summary), error = cast($error as text) where workspace_id = $ws and id = $id`,
      {
        ws: app.workspaceId, id, status: r.status, at: Date.now(), rows: s?.rows ?? null, imported: s ? (s.dryRun ? 0 : s.imported ?? 0) : null,
        rejected: s?.rejected ?? null, summary: s ? JSON.stringify(s) : null, error: r.status === 'failed' ? r.error : null,
      },
    );
  } finally {
    live.delete(id);
  }
}

export const INTERRUPTED = 'interrupted: the process stopped while this file was imported; it was not recorded as done — import it again (safe: rows already there are left alone)';

/**
 * Runs a process that stopped left `running` (none of this process's own): marked failed as interrupted, and
 * returned so the caller can say so. One process holds a store's warehouse at a time, so every import of the store
 * that is live runs in this process.
 */
export async function failInterruptedRuns(app: App): Promise<RunRow[]> {
  const ws = app.workspaceId;
  const stale = (await app.state.all<Stored>(`select ${COLUMNS} from import_runs where workspace_id = $ws and status = 'running' order by started_at, id`, { ws }))
    .filter((r) => !live.has(r.id));
  for (const r of stale) {
    await app.state.run(`update import_runs set status = 'failed', finished_at = $at, error = $e where workspace_id = $ws and id = $id and status = 'running'`, { ws, id: r.id, at: Date.now(), e: INTERRUPTED });
  }
  return stale.map((r) => ({ ...row(r), status: 'failed', error: INTERRUPTED }));
}

export async function getRun(app: App, id: string): Promise<RunRow | undefined> {
  const r = await app.state.get<Stored>(`select ${COLUMNS} from import_runs where workspace_id = $ws and id = $id`, { ws: app.workspaceId, id });
  return r && row(r);
}

/** The most recent runs, newest first. */
export async function recentRuns(app: App, limit = 100): Promise<RunRow[]> {
  return (await app.state.all<Stored>(`select ${COLUMNS} from import_runs where workspace_id = $ws order by started_at desc, id desc limit $n`, { ws: app.workspaceId, n: limit })).map(row);
}

/** Finished runs that applied a file (done, not a dry run), oldest first: what the quality report counts. */
export async function appliedRuns(app: App): Promise<RunRow[]> {
  return (await app.state.all<Stored>(`select ${COLUMNS} from import_runs where workspace_id = $ws and status = 'done' order by started_at, id`, { ws: app.workspaceId }))
    .map(row).filter((r) => !r.summary.dryRun);
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
