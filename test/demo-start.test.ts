import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { bufferOutput } from '../src/cli/output.ts';
import { loadDemoIfEmpty } from '../src/demo/loadIfEmpty.ts';
import { workspaceStats } from '../src/insight/queries/workspaceStats.ts';

/** What `npm start` does first (siyu serve --demo-if-empty): an empty store gets the demo brand, a full one is left alone. */
test('given an empty store, the demo brand is loaded once; given a store with customers, nothing happens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-demo-start-'));
  const app = await openApp({ dir });
  try {
    const out = bufferOutput();
    assert.equal(await loadDemoIfEmpty(app, out, { customers: 200, seed: 4 }), true);
    const s = await workspaceStats(app.warehouse, app.workspaceId);
    assert.equal(s.customers, 200);
    assert.ok(s.orders > 0 && s.events > 0 && s.gmv > 0);
    assert.match(out.stderr.join(''), /generating the demo brand/);
    assert.equal(await loadDemoIfEmpty(app, bufferOutput(), { customers: 200, seed: 4 }), false);
    assert.equal((await workspaceStats(app.warehouse, app.workspaceId)).customers, 200);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
