import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';
import { ID_TYPES } from '../../domain/privacy/normalize.ts';
import { ROW_NAMESPACE } from '../unnamedRows.ts';

const SQL = {
  duckdb: `select count(*) as customers,
      count(name_cipher) as name, count(gender) filter (where gender <> 'unknown') as gender, count(birth_year) as birthday,
      count(province) as province, count(city) as city, count(acquisition_channel) as acquisition_channel,
      count(registered_at) as registered_at, count(member_tier) as member_tier, count(owner_staff_code) as owner_staff_code,
      count(home_store_code) as home_store_code
    from customers where workspace_id = $ws and status in ('active', 'restricted')`,
};

/**
 * Per identifier type, the active customers holding at least one (not counting the row keys of customers no
 * identifier named: src/ingest/unnamedRows.ts).
 */
const IDENTIFIERS = {
  duckdb: `select id_type, count(distinct customer_id) as n from customer_identifiers
    where workspace_id = $ws and namespace <> $rowNs and customer_id in (select id from customers where workspace_id = $ws and status in ('active', 'restricted'))
    group by id_type`,
};

const ORDERS = {
  duckdb: `select count(*) as orders, count(customer_id) as customer, count(channel) as channel, count(store_code) as store_code,
      count(staff_code) as staff_code, count(item_count) as item_count, count(coupon_code) as coupon_code
    from orders where workspace_id = $ws`,
};

/**
 * Completeness (完整度) per field: the share of active customers with each attribute and each identifier type
 * (every type, 0 when none holds it), and the share of orders with a customer, channel, store, guide, item count, coupon.
 */
export async function completeness(s: Warehouse, ws: number): Promise<{ customers: Record<string, number>; orders: Record<string, number> }> {
  const [c] = await s.all(sqlFor(s.dialect, SQL, 'completeness'), { ws });
  const held = new Map((await s.all(sqlFor(s.dialect, IDENTIFIERS, 'completenessIdentifiers'), { ws, rowNs: ROW_NAMESPACE })).map((r) => [String(r.id_type), Number(r.n)]));
  const [o] = await s.all(sqlFor(s.dialect, ORDERS, 'completenessOrders'), { ws });
  const share = (row: Record<string, unknown>, total: string) => {
    const n = Number(row[total]) || 0;
    return Object.fromEntries(Object.entries(row).filter(([k]) => k !== total).map(([k, v]) => [k, n ? Math.round((Number(v) / n) * 10000) / 10000 : 0]));
  };
  const customers = { ...c, ...Object.fromEntries(ID_TYPES.map((t) => [t, held.get(t) ?? 0])) };
  return { customers: { total: Number(c.customers), ...share(customers, 'customers') }, orders: { total: Number(o.orders), ...share(o, 'orders') } };
}
