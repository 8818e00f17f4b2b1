/**
 * KPI targets (目标) for the executive summary, from <SIYU_DATA_DIR>/targets.json: `{ "monthly": { "gmv": 2000000,
 * "repurchase_rate": 0.3, … } }` with KPI keys of docs/metrics.md. A missing file means no targets: the summary
 * then compares with the previous period and last year only, and says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';

export function loadTargets(dir: string): Record<string, number> | null {
  const file = join(dir, 'targets.json');
  if (!existsSync(file)) return null;
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as { monthly?: Record<string, unknown> };
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(j.monthly ?? {})) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    return out;
  } catch {
    throw new UserError('bad_targets', `${file} is not valid JSON ({"monthly": {"gmv": 2000000}}).`, `${file} 不是有效的 JSON（{"monthly": {"gmv": 2000000}}）。`);
  }
}
