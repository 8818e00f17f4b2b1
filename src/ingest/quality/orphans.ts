import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

const SQL = {
  duckdb: `select
      (select count(*) from orders where workspace_id = $ws and customer_id is null) as orders_without_customer,
      (select count(*) from orders o where workspace_id = $ws and customer_id is not null
         and not exists (select 1 from customers c where c.workspace_id = $ws and c.id = o.customer_id)) as orders_with_unknown_customer,
      (select count(*) from order_lines l where workspace_id = $ws
         and not exists (select 1 from orders o where o.workspace_id = $ws and o.order_id = l.order_id)) as lines_without_order,
      (select count(*) from events where workspace_id = $ws and customer_id is null and anonymous_key is null) as events_without_anyone,
      (select count(*) from orders where workspace_id = $ws) as orders`,
};

/** Orphans (孤立记录): orders without a known customer, order lines without their order, events tied to no one. */
export async function orphans(w: Warehouse, ws: number) {
  const [r] = await w.all(sqlFor(w.dialect, SQL, 'orphans'), { ws });
  const orders = Number(r.orders);
  const without = Number(r.orders_without_customer) + Number(r.orders_with_unknown_customer);
  return {
    ordersWithoutCustomer: Number(r.orders_without_customer), ordersWithUnknownCustomer: Number(r.orders_with_unknown_customer),
    orderShare: orders ? Math.round((without / orders) * 10000) / 10000 : 0,
    orderLinesWithoutOrder: Number(r.lines_without_order), eventsWithoutAnyone: Number(r.events_without_anyone),
  };
}
