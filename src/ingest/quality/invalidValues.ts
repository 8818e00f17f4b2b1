import type { App } from '../../app/context.ts';
import { appliedRuns } from '../runs.ts';
import { uploadKey } from '../uploads.ts';

/**
 * Invalid values (无效值) across imports: rows rejected by reason, identifiers unusable (invalid or masked). Each file
 * counts once, by its latest run (importing a file again does not double its rejections) — a file by its path, an
 * HTTP upload by its name; dry runs do not count. Read from the runs in the state store alone.
 */
export async function invalidValues(app: App) {
  const latest = new Map<string, Awaited<ReturnType<typeof appliedRuns>>[number]>();
  // appliedRuns is oldest first: a later run of the same file replaces the earlier one.
  for (const r of await appliedRuns(app)) {
    const file = typeof r.summary.file === 'string' ? uploadKey(r.summary.file) : null;
    latest.set(file === null ? `id:${r.id}` : `${r.entity}|${file}`, r);
  }
  const runs = [...latest.values()];
  const add = (into: Map<string, number>, o: unknown) => {
    for (const [k, v] of Object.entries((o ?? {}) as Record<string, number>)) into.set(k, (into.get(k) ?? 0) + Number(v));
  };
  const reasons = new Map<string, number>();
  const invalid = new Map<string, number>();
  let rows = 0, rejected = 0, masked = 0;
  for (const r of runs) {
    rows += Number(r.rows ?? 0);
    rejected += Number(r.rejected ?? 0);
    masked += Number(r.summary.maskedIdentifiers ?? 0);
    add(reasons, r.summary.reasons);
    add(invalid, r.summary.invalidIdentifiers);
  }
  const byReason = Object.fromEntries([...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30));
  return { importRuns: runs.length, rowsRead: rows, rowsRejected: rejected, byReason, invalidIdentifiers: Object.fromEntries(invalid), maskedIdentifiers: masked };
}
