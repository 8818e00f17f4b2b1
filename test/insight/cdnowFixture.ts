import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../src/app/context.ts';

/** ../shared/datasets from the repository root. */
export const DATASETS = join(import.meta.dirname, '..', '..', '..', 'shared', 'datasets');
export const CDNOW = join(DATASETS, 'cdnow', 'CDNOW_master.txt');
export const APPAREL = join(DATASETS, 'apparel_m18', 'm18-elog.csv');
export const haveCdnow = () => existsSync(CDNOW);
export const haveApparel = () => existsSync(APPAREL);

/**
 * Loads a transaction log (customer, day, amount per row; one row = one order) straight into customers and
 * orders with DuckDB's own readers, without going through the importer: a fixture for insight tests.
 */
export async function loadElog(app: App, which: 'cdnow' | 'apparel'): Promise<void> {
  const src = which === 'cdnow'
    ? `select f[1] as cust, strptime(f[2], '%Y%m%d')::date as d, f[4]::decimal(18,2) as amt from (
         select regexp_split_to_array(trim(line), '\\s+') as f
         from read_csv('${CDNOW}', header = false, skip = 1, delim = '|', quote = '', columns = {'line': 'varchar'})
         where trim(line) <> '')`
    : `select cust::varchar as cust, date::date as d, amt::decimal(18,2) as amt from read_csv('${APPAREL}', header = true)`;
  await app.warehouse.run(`create temp table elog as select row_number() over () as rn, * from (${src})`);
  await app.warehouse.run(`insert into customers (workspace_id, id, gender) select 1, row_number() over (order by cust), 'unknown' from (select distinct cust from elog)`);
  await app.warehouse.run(`create temp table cmap as select cust, row_number() over (order by cust) as id from (select distinct cust from elog)`);
  await app.warehouse.run(`insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, channel, gross_amount, source)
    select 1, '${which}-' || rn, cmap.id, d::timestamp - interval 8 hour, d, 'ecommerce', amt, '${which}'
    from elog join cmap using (cust)`);
  await app.warehouse.run('drop table elog');
  await app.warehouse.run('drop table cmap');
}
