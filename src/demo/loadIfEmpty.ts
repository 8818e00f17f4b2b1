import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../app/context.ts';
import type { Output } from '../cli/output.ts';
import { workspaceStats } from '../insight/queries/workspaceStats.ts';
import { generateDemo } from './generate.ts';
import { loadDemo } from './load.ts';

/** Default size and seed of the demo brand that `npm start` loads into an empty store. */
export const DEFAULT_DEMO = { customers: 20_000, seed: 1 };

/** `npm start` on an empty store loads the demo brand first (generated, then imported like a user's files). */
export async function loadDemoIfEmpty(app: App, output: Output, opts = DEFAULT_DEMO): Promise<boolean> {
  const s = await workspaceStats(app.warehouse, app.workspaceId);
  if (s.customers > 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'siyu-demo-'));
  try {
    output.err(`The store is empty: generating the demo brand 山岚茶事 (${opts.customers} customers, seed ${opts.seed}) …`);
    const gen = await generateDemo({ customers: opts.customers, seed: opts.seed, out: dir });
    output.err(`generated ${gen.rows} rows in ${gen.seconds.toFixed(1)} s; loading …`);
    const load = await loadDemo(app, dir);
    output.err(`loaded ${load.imported} rows in ${load.seconds.toFixed(1)} s (${load.rejected} planted malformed rows rejected)`);
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
