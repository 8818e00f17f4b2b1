import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { App } from '../../src/app/context.ts';

export const PEER = join(import.meta.dirname, '..', '..', 'bench', 'peers', 'insight_pandas.py');

/** True when Debian's python3 with pandas is there to run the peer. */
export function havePandas(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import pandas'], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Writes the store's orders (cancelled left out) as the peer's CSV: customer_id,order_date,amount. An order of a
 * customer the consent policy does not permit for analytics goes without its customer, as docs/metrics.md says
 * ("Which customers count": their orders count in the totals as orphans do).
 */
export async function exportOrders(app: App, file: string): Promise<void> {
  await app.warehouse.run(`copy (select case when customer_id in (select customer_id from permitted_customers(1, 'analytics')) then customer_id end as customer_id,
      order_date, gross_amount::double as amount from orders where workspace_id = 1 and status <> 'cancelled')
    to '${file.replaceAll("'", "''")}' (header, delimiter ',')`);
}

export function runPeer(csv: string, args: string[] = []): any {
  const r = spawnSync('/usr/bin/python3', [PEER, csv, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
