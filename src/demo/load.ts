import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { importFiles, type ImportSummary } from '../ingest/index.ts';
import type { Entity } from '../ingest/canonical.ts';
import { DEMO_FILES } from './write/layouts.ts';

/**
 * Loads a generated demo brand the way a user would import it (导入): each file through `importFiles` with its
 * preset (raw exports) or none (canonical files), reference data first, then customers, contacts, orders, lines,
 * events, groups, campaigns, coupons and consents, so every row finds what it refers to.
 *
 * It relies on the default merge rules (合并规则, src/domain/identity/rules.ts): unionid and phone are unique per
 * person, member_no is not — the brand's member numbers come from several systems (SL… membership, YZ…
 * mini-program, POS… stores), so one person holds several. test/demo-load.test.ts checks the outcome.
 */
export interface LoadStep { file: string; entity: Entity; map?: string; rows: number; imported: number; unchanged: number; rejected: number; reasons: Record<string, number>; seconds: number }
export interface LoadResult { steps: LoadStep[]; rows: number; imported: number; rejected: number; customersCreated: number; merged: number; seconds: number }

export async function loadDemo(app: App, dir: string, onStep?: (step: LoadStep) => void): Promise<LoadResult> {
  const t0 = performance.now();
  const steps: LoadStep[] = [];
  let customersCreated = 0;
  let merged = 0;
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

