/**
 * Retention (保存期限, PIPL art. 19: no longer than necessary): per data class, what is older than its policy is
 * purged by `siyu retention run` (a scheduler can call it daily). Every purge is audited with counts. The policies,
 * sessions and the request register are in the state store (instants in epoch ms); raw events in the warehouse.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { paths } from '../config.ts';
import { UserError } from '../errors.ts';
import { AUDIT_ACTIONS } from './trail.ts';

export type RetentionPolicy = { data_class: string; keep_days: number | null; description: string | null };

export const DATA_CLASSES = ['raw_events', 'quarantine_files', 'logs', 'sessions', 'dsr_exports', 'dsr_requests'] as const;

export async function retentionPolicies(app: Pick<App, 'state' | 'workspaceId'>): Promise<RetentionPolicy[]> {
  const rows = await app.state.all<RetentionPolicy>('select data_class, keep_days, description from retention_policies where workspace_id = $ws order by data_class', { ws: app.workspaceId });
  return rows.map((r) => ({ ...r, keep_days: r.keep_days === null ? null : Number(r.keep_days) }));
}

export async function setRetention(app: App, dataClass: string, keepDays: number | null): Promise<void> {
  if (!(DATA_CLASSES as readonly string[]).includes(dataClass)) throw new UserError('bad_class', `Data class must be one of ${DATA_CLASSES.join(', ')}.`, `数据类别必须是 ${DATA_CLASSES.join('、')} 之一。`);
  if (keepDays !== null && (!Number.isInteger(keepDays) || keepDays < 0)) throw new UserError('bad_days', 'Days must be a whole number ≥ 0.', '天数必须是不小于 0 的整数。');
  await app.state.run(
    `insert into retention_policies (workspace_id, data_class, keep_days, updated_at) values ($ws, $c, $d, $now)
     on conflict (workspace_id, data_class) do update set keep_days = excluded.keep_days, updated_at = excluded.updated_at`,
    { ws: app.workspaceId, c: dataClass, d: keepDays, now: Date.now() },
  );
  await app.audit({ actor: '', action: 'admin.retention.set', target: `retention:${dataClass}`, detail: { keep_days: keepDays } });
}

export interface PurgeResult { data_class: string; keep_days: number | null; purged: number; unit: 'rows' | 'files' }

const cutoff = (days: number, now: Date) => new Date(now.getTime() - days * 86_400_000);
const ts = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');

/** Purges every class past its policy; `dryRun` only counts. */
export async function runRetention(app: App, opts: { dryRun?: boolean; now?: Date } = {}): Promise<PurgeResult[]> {
  const now = opts.now ?? new Date();
  const out: PurgeResult[] = [];
  for (const p of await retentionPolicies(app)) {
    if (p.keep_days === null) {
      out.push({ data_class: p.data_class, keep_days: null, purged: 0, unit: 'rows' });
      continue;
    }
    const before = cutoff(p.keep_days, now);
    let r: PurgeResult;
    switch (p.data_class) {
      case 'raw_events':
        r = await purgeEvents(app, p, before, opts.dryRun);
        break;
      case 'sessions':
        r = await purgeState(app, p, 'sessions', 'expires_at < $before', before, opts.dryRun);
        break;
      case 'dsr_requests':
        r = await purgeState(app, p, 'dsr_requests', `workspace_id = $ws and status <> 'open' and completed_at < $before`, before, opts.dryRun);
        break;
      case 'quarantine_files':
        r = purgeFiles(p, paths.quarantine(app.dir), before, opts.dryRun);
        break;
      case 'logs':
        r = purgeFiles(p, paths.logs(app.dir), before, opts.dryRun);
        break;
      case 'dsr_exports':
        r = purgeFiles(p, paths.exports(app.dir), before, opts.dryRun, /^dsr-/);
        break;
      default:
        continue;
    }
    if (!opts.dryRun && r.purged > 0) {
      await app.audit({ actor: '', action: AUDIT_ACTIONS.retention, target: `retention:${p.data_class}`, detail: { keep_days: p.keep_days, before: before.toISOString(), purged: r.purged, unit: r.unit } });
    }
    out.push(r);
  }
  return out;
}

/** Raw behaviour events past the policy (the warehouse), made durable before the purge is reported. */
async function purgeEvents(app: App, p: RetentionPolicy, before: Date, dryRun?: boolean): Promise<PurgeResult> {
  const params = { ws: app.workspaceId, before: ts(before) };
  const where = 'workspace_id = $ws and occurred_at < $before::timestamp';
  const n = await app.warehouse.scalar(`select count(*) from events where ${where}`, params);
  if (n && !dryRun) {
    await app.warehouse.run(`delete from events where ${where}`, params);
    await app.warehouse.checkpoint();
  }
  return { data_class: p.data_class, keep_days: p.keep_days, purged: n, unit: 'rows' };
}

/** Rows of a state table past the policy (`$before`: epoch ms), counted and deleted in one transaction. */
async function purgeState(app: App, p: RetentionPolicy, table: 'sessions' | 'dsr_requests', where: string, before: Date, dryRun?: boolean): Promise<PurgeResult> {
  const params = where.includes('$ws') ? { ws: app.workspaceId, before: before.getTime() } : { before: before.getTime() };
  const n = dryRun
    ? await app.state.scalar(`select count(*) from ${table} where ${where}`, params)
    : await app.state.run(`delete from ${table} where ${where}`, params);
  return { data_class: p.data_class, keep_days: p.keep_days, purged: n, unit: 'rows' };
}

function purgeFiles(p: RetentionPolicy, root: string, before: Date, dryRun?: boolean, only?: RegExp): PurgeResult {
  let n = 0;
  if (existsSync(root)) {
    for (const name of readdirSync(root)) {
      if (only && !only.test(name)) continue;
      const f = join(root, name);
      if (statSync(f).mtime < before) {
        n++;
        if (!dryRun) rmSync(f, { recursive: true, force: true });
      }
    }
  }
  return { data_class: p.data_class, keep_days: p.keep_days, purged: n, unit: 'files' };
}
