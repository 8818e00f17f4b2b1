import type { StateStore } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

const SQL = {
  duckdb: `with c as (select * from customers where workspace_id = $ws and status in ('active', 'restricted')),
    ids as (select customer_id, id_type from customer_identifiers where workspace_id = $ws group by all)
    select count(*) as customers,
      count(name_cipher) as name, count(gender) filter (where gender <> 'unknown') as gender, count(birth_year) as birthday,
      count(province) as province, count(city) as city, count(acquisition_channel) as acquisition_channel,
      count(registered_at) as registered_at, count(member_tier) as member_tier, count(owner_staff_code) as owner_staff_code,
      count(home_store_code) as home_store_code,
      (select count(*) from ids where id_type = 'phone' and customer_id in (select id from c)) as phone,
      (select count(*) from ids where id_type = 'email' and customer_id in (select id from c)) as email,
      (select count(*) from ids where id_type = 'unionid' and customer_id in (select id from c)) as unionid,
      (select count(*) from ids where id_type = 'member_no' and customer_id in (select id from c)) as member_no,
      (select count(*) from ids where id_type = 'external_userid' and customer_id in (select id from c)) as external_userid
    from c`,
};

const ORDERS = {
  duckdb: `select count(*) as orders, count(customer_id) as customer, count(channel) as channel, count(store_code) as store_code,
      count(staff_code) as staff_code, count(item_count) as item_count, count(coupon_code) as coupon_code
    from orders where workspace_id = $ws`,
};

/** Completeness (完整度) per field: the share of active customers / orders that have a value. */
export async function completeness(s: StateStore, ws: number): Promise<{ customers: Record<string, number>; orders: Record<string, number> }> {
  const [c] = await s.all(sqlFor(s.dialect, SQL, 'completeness'), { ws });
  const [o] = await s.all(sqlFor(s.dialect, ORDERS, 'completenessOrders'), { ws });
  const share = (row: Record<string, unknown>, total: string) => {
    const n = Number(row[total]) || 0;
    return Object.fromEntries(Object.entries(row).filter(([k]) => k !== total).map(([k, v]) => [k, n ? Math.round((Number(v) / n) * 10000) / 10000 : 0]));
  };
  return { customers: { total: Number(c.customers), ...share(c, 'customers') }, orders: { total: Number(o.orders), ...share(o, 'orders') } };
}
