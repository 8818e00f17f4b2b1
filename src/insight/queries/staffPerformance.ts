import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { analysed } from '../scope.ts';

/**
 * Store-guide performance (导购业绩) per staff code: WeCom contacts owned at the window's end, of them active
 * (ordered in the window), their GMV and repurchase rate (≥ 2 orders ÷ ≥ 1) in the window, and the orders and GMV
 * credited to the guide (orders.staff_code). Contacts are the customers analytics may look at (src/insight/scope.ts);
 * credited orders are the brand's totals, every order counted.
 */
const SQL = {
  duckdb: `with own as (
      select distinct staff_code, customer_id from contact_ownership
      where workspace_id = $ws and ${analysed('customer_id')} and timezone($tz, timezone('UTC', added_at))::date <= $to::date
        and (removed_at is null or timezone($tz, timezone('UTC', removed_at))::date > $to::date)
    ),
    po as (
      select customer_id, count(*) as orders, sum(gross_amount) as gmv from orders
      where workspace_id = $ws and status <> 'cancelled' and customer_id is not null and order_date between $from::date and $to::date group by customer_id
    ),
    credited as (
      select staff_code, count(*) as orders, sum(gross_amount) as gmv from orders
      where workspace_id = $ws and status <> 'cancelled' and staff_code is not null and order_date between $from::date and $to::date group by staff_code
    ),
    codes as (select code as staff_code from staff where workspace_id = $ws union select staff_code from own union select staff_code from credited)
    select k.staff_code, s.store_code,
      (select count(*) from own where own.staff_code = k.staff_code) as contacts,
      (select count(*) from own join po using (customer_id) where own.staff_code = k.staff_code) as active_contacts,
      (select count(*) from own join po using (customer_id) where own.staff_code = k.staff_code and po.orders >= 2) as repeat_contacts,
      (select coalesce(sum(po.gmv), 0) from own join po using (customer_id) where own.staff_code = k.staff_code) as contacts_gmv,
      coalesce(cr.orders, 0) as credited_orders, coalesce(cr.gmv, 0) as credited_gmv
    from codes k left join staff s on s.workspace_id = $ws and s.code = k.staff_code left join credited cr on cr.staff_code = k.staff_code
    where ($staff::varchar is null or k.staff_code in (select unnest(string_split($staff, ','))))
      and ($store::varchar is null or s.store_code in (select unnest(string_split($store, ','))))
    order by credited_gmv desc, contacts_gmv desc, k.staff_code`,
};

export async function staffPerformance(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, SQL, 'staffPerformance', p)).map((r) => {
    const active = Number(r.active_contacts);
    return {
      staff_code: String(r.staff_code), store_code: (r.store_code as string) ?? null, contacts: Number(r.contacts), active_contacts: active,
      contacts_gmv: Number(r.contacts_gmv), contacts_repurchase_rate: active ? Number(r.repeat_contacts) / active : null,
      credited_orders: Number(r.credited_orders), credited_gmv: Number(r.credited_gmv),
    };
  });
}
