/**
 * Report history from a store made before the state store existed (报告历史迁移): its rows sat in the warehouse's
 * report_history (migration 060). The first time a process reads or writes the history, a state store with no row
 * of its own takes those rows over (generated_at as epoch ms, files as JSON text); the files under reports/ stay
 * where they are. Idempotent: rows already in the state store are kept as they are.
 */
import type { App } from '../app/context.ts';

const adopted = new WeakSet<object>();

type LegacyRow = { month: string; period_from: string; period_to: string; generated_ms: number | bigint; files: string; findings: number; recommendations: number };

export async function adoptWarehouseHistory(app: App): Promise<void> {
  if (adopted.has(app.state)) return;
  const own = await app.state.scalar(`select count(*) from report_history where workspace_id = $ws`, { ws: app.workspaceId });
  if (own === 0 && app.warehouse.dialect === 'duckdb') {
    const has = await app.warehouse.scalar(`select count(*) from information_schema.tables where table_name = 'report_history'`);
    const rows = has
      ? await app.warehouse.all<LegacyRow>(`select month, period_from::varchar as period_from, period_to::varchar as period_to,
          epoch_ms(generated_at) as generated_ms, files::varchar as files, findings, recommendations
        from report_history where workspace_id = $ws`, { ws: app.workspaceId })
      : [];
    await app.state.transaction(async () => {
      for (const r of rows) {
        await app.state.run(`insert into report_history (workspace_id, month, period_from, period_to, generated_at, files, findings, recommendations)
          values ($ws, $month, $from, $to, $at, $files, $findings, $recs) on conflict (workspace_id, month) do nothing`, {
          ws: app.workspaceId, month: String(r.month), from: String(r.period_from), to: String(r.period_to), at: Number(r.generated_ms),
          files: String(r.files), findings: Number(r.findings), recs: Number(r.recommendations),
        });
      }
    });
  }
  adopted.add(app.state);
}
