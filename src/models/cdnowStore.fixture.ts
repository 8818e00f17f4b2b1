// Test helper: an App whose store holds the CDNOW sample as orders (one order per CDNOW line, customer id = the
// sample id, order_date = the day), loaded from a CSV by DuckDB, so the SQL path is tested without the importer.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../app/context.ts';
import { CDNOW_DIR } from '../domain/models/cdnow.fixture.ts';

export async function cdnowApp(): Promise<App> {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-models-'));
  const app = await openApp({ dir });
  const lines = readFileSync(join(CDNOW_DIR, 'CDNOW_sample.txt'), 'utf8').trim().split('\n');
  const csv = ['n,customer,day,value', ...lines.map((line, i) => {
    const [, id, date, , value] = line.trim().split(/\s+/);
    return `${i + 1},${id},${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)},${value}`;
  })].join('\n');
  const file = join(dir, 'cdnow.csv');
  writeFileSync(file, csv);
  await app.warehouse.run(
    `insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, status, gross_amount, source)
     select 1, 'cdnow-' || n, customer, day::timestamp, day::date, 'paid', value, 'cdnow'
     from read_csv($file, header = true, columns = {'n': 'integer', 'customer': 'bigint', 'day': 'date', 'value': 'decimal(18,2)'})`, { file });
  await app.warehouse.run(`insert into customers (workspace_id, id) select distinct 1, customer_id from orders`);
  return app;
}
