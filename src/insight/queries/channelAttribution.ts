import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * Channel attribution (渠道归因) of the window's orders: touches are the customer's events carrying a channel
 * (properties.channel, else properties.utm_source), other than the order itself, in the $lookback_days days up to
 * the order. First touch, last touch, or linear (equal shares per touch) credit of the order's GMV; an order without
 * touches is credited to its own channel — as is every order of a customer analytics may not look at, whose events are
 * never read (src/insight/scope.ts).
 */
const SQL = {
  duckdb: `with o as (
      select o.order_id, o.customer_id, o.ordered_at, o.gross_amount::double as gmv, coalesce(o.channel, 'unknown') as channel
      from orders o
      where o.workspace_id = $ws and o.status <> 'cancelled' and o.order_date between $from::date and $to::date and ${ORDER_FILTER}
    ),
    t as (
      select o.order_id, coalesce(e.properties->>'channel', (e.properties->>'utm_source')) as ch, e.occurred_at
      from o join events e on e.workspace_id = $ws and e.customer_id = o.customer_id
        and e.occurred_at <= o.ordered_at and e.occurred_at >= o.ordered_at - to_days($lookback_days::integer)
        and e.type <> 'order' and coalesce(e.properties->>'channel', (e.properties->>'utm_source')) is not null and ${analysed('e.customer_id')}
    ),
    touches as (select order_id, arg_min(ch, occurred_at) as first_ch, arg_max(ch, occurred_at) as last_ch, count(*) as n from t group by order_id),
    credit as (
      select coalesce(x.first_ch, o.channel) as ch, o.gmv as first_gmv, 0.0 as last_gmv, 0.0 as linear_gmv, 1 as first_orders, 0 as last_orders
      from o left join touches x using (order_id)
      union all
      select coalesce(x.last_ch, o.channel), 0.0, o.gmv, 0.0, 0, 1 from o left join touches x using (order_id)
      union all
      select t.ch, 0.0, 0.0, o.gmv / x.n, 0, 0 from t join touches x using (order_id) join o using (order_id)
      union all
      select o.channel, 0.0, 0.0, o.gmv, 0, 0 from o where order_id not in (select order_id from touches)
    )
    select ch as channel, sum(first_gmv) as first_touch_gmv, sum(last_gmv) as last_touch_gmv, sum(linear_gmv) as linear_gmv,
      sum(first_orders) as first_touch_orders, sum(last_orders) as last_touch_orders
    from credit group by ch order by linear_gmv desc, ch`,
};

export async function channelAttribution(w: Warehouse, p: Record<string, unknown>) {
  const round = (x: unknown) => Math.round(Number(x) * 100) / 100;
  return (await query(w, SQL, 'channelAttribution', p)).map((r) => ({
    channel: String(r.channel), first_touch_gmv: round(r.first_touch_gmv), last_touch_gmv: round(r.last_touch_gmv), linear_gmv: round(r.linear_gmv),
    first_touch_orders: Number(r.first_touch_orders), last_touch_orders: Number(r.last_touch_orders),
  }));
}
