import type { App } from '../app/context.ts';
import type { Output } from '../cli/output.ts';
import { workspaceStats } from '../insight/queries/workspaceStats.ts';

/** `npm start` on an empty store loads the demo brand first, so a new user sees something real. */
export async function loadDemoIfEmpty(app: App, output: Output): Promise<void> {
  const s = await workspaceStats(app.warehouse, app.workspaceId);
  if (s.customers > 0) return;
  output.err('The store is empty: the demo brand will be loaded when the demo generator lands.');
}
