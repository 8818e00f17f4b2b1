import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { importFiles, type ImportSummary } from '../ingest/index.ts';
import type { Entity } from '../ingest/canonical.ts';
import { DEMO_FILES } from './write/layouts.ts';
import { DEFAULT_RULES } from '../domain/identity/rules.ts';

/**
 * The demo brand's merge rules (合并规则): its member numbers come from several systems (会员 SL…, 小程序 YZ…,
 * 门店 POS…), so a person may hold several and member_no is not unique per person; unionid and phone are.
 * Under the default rules the planted duplicates would instead be held as conflicts for review (one per record).
 */
export const DEMO_UNIQUE_IDENTIFIERS = ['unionid', 'phone'];

/**
 * Loads a generated demo brand the way a user would import it (导入): each file through `importFiles` with its
 * preset (raw exports) or none (canonical files), reference data first, then customers, contacts, orders, lines,
 * events, groups, campaigns, coupons and consents, so every row finds what it refers to.
 */
export interface LoadStep { file: string; entity: Entity; map?: string; rows: number; imported: number; unchanged: number; rejected: number; reasons: Record<string, number>; seconds: number }
export interface LoadResult { steps: LoadStep[]; rows: number; imported: number; rejected: number; customersCreated: number; merged: number; seconds: number }

export async function loadDemo(app: App, dir: string, onStep?: (step: LoadStep) => void): Promise<LoadResult> {
  const t0 = performance.now();
  const steps: LoadStep[] = [];
  let customersCreated = 0;
  let merged = 0;
  await useDemoRules(app);
  for (const f of DEMO_FILES) {
    const map = 'map' in f ? f.map : undefined;
    const s: ImportSummary = await importFiles(app, { entity: f.entity, files: [join(dir, f.file)], map, source: 'demo' });
    customersCreated += s.identity.customersCreated;
    merged += s.identity.merged;
    const reasons: Record<string, number> = {};
    for (const file of s.files) for (const [k, v] of Object.entries(file.reasons)) reasons[k] = (reasons[k] ?? 0) + v;
    const step: LoadStep = { file: f.file, entity: f.entity, map, rows: s.rows, imported: s.imported, unchanged: s.unchanged, rejected: s.rejected, reasons, seconds: s.seconds };
    steps.push(step);
    onStep?.(step);
  }
  const sum = (k: 'rows' | 'imported' | 'rejected') => steps.reduce((a, s) => a + s[k], 0);
  return { steps, rows: sum('rows'), imported: sum('imported'), rejected: sum('rejected'), customersCreated, merged, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Sets the demo's merge rules (as `saveRules` in src/identity/rules.ts would; its upsert cannot be bound by
 * DuckDB 1.5 today, `updated_at = current_timestamp` in DO UPDATE is read as a column), audited as rules changes are.
 */
async function useDemoRules(app: App): Promise<void> {
  const priority = DEFAULT_RULES.priority.join(',');
  const unique = DEMO_UNIQUE_IDENTIFIERS.join(',');
  await app.db.run(
    `insert into identity_settings (workspace_id, priority, unique_types) values ($ws, $p, $u)
     on conflict (workspace_id) do update set priority = excluded.priority, unique_types = excluded.unique_types`,
    { ws: app.workspaceId, p: priority, u: unique },
  );
  await app.audit({ actor: app.actor, action: 'identity.rules', target: 'workspace', detail: { priority: DEFAULT_RULES.priority, unique: DEMO_UNIQUE_IDENTIFIERS, by: 'siyu demo' } });
}
