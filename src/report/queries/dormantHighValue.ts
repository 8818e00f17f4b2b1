import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * Dormant high-value customers (高价值沉睡客户): RFM "M high, R low" — spend above $tm and at least $tr days
 * since the last order, on orders up to $asof, R counted to $ref (the thresholds come from the insight engine's
 * RFM, so this set is exactly its 重要保持 + 重要挽留 segments). Written here because the report needs the
 * customers themselves (to save the audience and count consent reach), not only segment sizes.
 */
const AUDIENCE = {
  duckdb: `select customer_id from (
      select o.customer_id, date_diff('day', max(o.order_date), $ref::date) as r, sum(o.gross_amount)::double as m
      from orders o where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and o.order_date <= $asof::date
      group by o.customer_id) v
    where v.m > $tm::double and v.r >= $tr::double`,
};

export function dormantHighValueSql(dialect: Warehouse['dialect']): string {
  return sqlFor(dialect, AUDIENCE, 'dormantHighValue');
}

/**
 * The observed win-back rate (召回率) of the same definition one look-back earlier: customers who were dormant
 * high-value at $d0 (same $tm, $tr), how many ordered between $d0 and $asof, and the average value of those orders.
 */
const WINBACK = {
  duckdb: `with past as (
      select o.customer_id, date_diff('day', max(o.order_date), $d0::date) as r, sum(o.gross_amount)::double as m
      from orders o where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and o.order_date < $d0::date
      group by o.customer_id
    ),
    base as (select customer_id from past where m > $tm::double and r >= $tr::double),
    back as (
      select o.customer_id, count(*) as n, sum(o.gross_amount)::double as v
      from orders o join base using (customer_id)
      where o.workspace_id = $ws and o.status <> 'cancelled' and o.order_date between $d0::date and $asof::date
      group by o.customer_id
    )
    select (select count(*) from base) as base, (select count(*) from back) as returned,
      (select coalesce(sum(v), 0) from back) as value, (select coalesce(sum(n), 0) from back) as orders`,
};

export interface WinbackObserved {
  base: number;
  returned: number;
  value: number;
  orders: number;
}

export async function observedWinback(w: Warehouse, p: { ws: number; d0: string; asof: string; tm: number; tr: number }): Promise<WinbackObserved> {
  const [r] = await w.all(sqlFor(w.dialect, WINBACK, 'observedWinback'), p);
  return { base: Number(r.base), returned: Number(r.returned), value: Number(r.value), orders: Number(r.orders) };
}
