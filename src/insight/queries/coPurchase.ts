import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';

/**
 * Products bought together (关联购买): pairs of SKUs in the same order (lines of orders in the window). support =
 * orders with both ÷ orders with lines; confidence a→b = orders with both ÷ orders with a; lift = confidence ÷
 * share of orders with b.
 */
const SQL = {
  duckdb: `with l as (
      select distinct l.order_id, l.sku from order_lines l join orders o on o.workspace_id = l.workspace_id and o.order_id = l.order_id
      where l.workspace_id = $ws and l.sku is not null and o.status <> 'cancelled' and o.order_date between $from::date and $to::date
    ),
    n as (select count(distinct order_id) as orders from l),
    s as (select sku, count(*) as orders from l group by sku),
    pairs as (select a.sku as a, b.sku as b, count(*) as together from l a join l b on a.order_id = b.order_id and a.sku < b.sku group by all having count(*) >= $min_orders::integer)
    select p.a, p.b, p.together, p.together / n.orders as support, p.together / sa.orders as confidence_ab, p.together / sb.orders as confidence_ba,
      (p.together / sa.orders) / (sb.orders / n.orders) as lift, pa.name as a_name, pb.name as b_name
    from pairs p
    cross join n
    join s sa on sa.sku = p.a
    join s sb on sb.sku = p.b
    left join products pa on pa.workspace_id = $ws and pa.sku = p.a
    left join products pb on pb.workspace_id = $ws and pb.sku = p.b
    order by p.together desc, lift desc, p.a, p.b limit $limit::integer`,
};

export async function coPurchase(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, SQL, 'coPurchase', p)).map((r) => ({
    a: String(r.a), b: String(r.b), a_name: (r.a_name as string) ?? null, b_name: (r.b_name as string) ?? null,
    orders: Number(r.together), support: Number(r.support), confidence_ab: Number(r.confidence_ab), confidence_ba: Number(r.confidence_ba), lift: Number(r.lift),
  }));
}
