import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { ORDER_FILTER } from '../filters.ts';
import { analysed } from '../scope.ts';

/**
 * RFM per customer (src/domain/segments/rfm.ts has the rules): R = days from the last order to the reference date
 * $ref, F = orders, M = GMV of those orders, over orders on or before $asof (and from $from when given). High / low
 * against $tr / $tf / $tm (customers analytics may look at only: src/insight/scope.ts), or the population means when those are null; 1–5 scores from the ascending "min" rank:
 * 1 + (5 × (rank − 1)) // n (R ranked by days descending). Returns one row per (scores, high/low) combination.
 *
 * The scores without a sort per customer: with L = how many customers have a strictly smaller value (rank − 1),
 * 5L // n ≥ s exactly when L ≥ K_s = ⌈s·n/5⌉, i.e. when the K_s-th smallest value is below this one. So each score is
 * 1 + the number of the four cut values x(K_1) … x(K_4) below the customer's value, and the cut values come from a
 * histogram of distinct values with running counts (a few hundred thousand rows at most, against a million-row
 * window sort per dimension).
 */
const PER_CUSTOMER = {
  aggregate: `select a.customer_id, date_diff('day', a.last_order_date, $ref::date) as r, a.orders as f, a.gmv as m
      from insight_customer_agg a
      where a.workspace_id = $ws
        and ($city::varchar is null or a.customer_id in (select id from customers where workspace_id = $ws and city in (select unnest(string_split($city, ',')))))
        and ($segment::varchar is null or a.customer_id in (select customer_id from customer_tags where workspace_id = $ws and tag = $segment))`,
  orders: `select o.customer_id, date_diff('day', max(o.order_date), $ref::date) as r, count(*) as f, sum(o.gross_amount) as m
      from orders o
      where o.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id is not null and ${analysed('o.customer_id')}
        and o.order_date <= $asof::date and ($from::date is null or o.order_date >= $from::date) and ${ORDER_FILTER}
      group by o.customer_id`,
};

/** Running counts of one dimension's distinct values (x ascending), and its four cut values x(K_1) … x(K_4). */
const cuts = (name: string, x: string) => `c${name} as (select x, sum(c) over (order by x) as cum from (select ${x} as x, count(*) as c from v group by 1)),
    q${name} as (select ${[1, 2, 3, 4].map((s) => `min(x) filter (where cum >= (${s} * n + 4) // 5) as q${s}`).join(', ')} from c${name}, t)`;
const score = (name: string, x: string) => `1 + ${[1, 2, 3, 4].map((s) => `(q${name}.q${s} < ${x})::integer`).join(' + ')}`;

const cells = (v: string) => `with v as (${v}),
    t as (select count(*) as n, coalesce($tr::double, avg(r)) as tr, coalesce($tf::double, avg(f)) as tf, coalesce($tm::double, avg(m::double)) as tm from v),
    ${cuts('r', '-r')},
    ${cuts('f', 'f')},
    ${cuts('m', 'm')},
    s as (
      select v.r, v.f, v.m, ${score('r', '-v.r')} as rs, ${score('f', 'v.f')} as fs, ${score('m', 'v.m')} as ms,
        v.r < t.tr as rh, v.f > t.tf as fh, v.m > t.tm as mh
      from v, t, qr, qf, qm
    )
    select rs, fs, ms, rh, fh, mh, count(*) as customers, sum(r) as r_sum, sum(f) as f_sum, sum(m::double) as m_sum,
      any_value(t.n) as n, any_value(t.tr) as tr, any_value(t.tf) as tf, any_value(t.tm) as tm
    from s, t group by rs, fs, ms, rh, fh, mh`;

const SQL = { aggregate: { duckdb: cells(PER_CUSTOMER.aggregate) }, orders: { duckdb: cells(PER_CUSTOMER.orders) } };

export interface RfmCell {
  rs: number; fs: number; ms: number;
  rh: boolean; fh: boolean; mh: boolean;
  customers: number; r_sum: number; f_sum: number; m_sum: number;
  n: number; tr: number; tf: number; tm: number;
}

export async function rfmCells(w: Warehouse, params: Record<string, unknown>, source: 'aggregate' | 'orders'): Promise<RfmCell[]> {
  const rows = await query(w, SQL[source], 'rfmCells', params);
  return rows.map((r) => ({
    rs: Number(r.rs), fs: Number(r.fs), ms: Number(r.ms), rh: Boolean(r.rh), fh: Boolean(r.fh), mh: Boolean(r.mh),
    customers: Number(r.customers), r_sum: Number(r.r_sum), f_sum: Number(r.f_sum), m_sum: Number(r.m_sum),
    n: Number(r.n), tr: Number(r.tr), tf: Number(r.tf), tm: Number(r.tm),
  }));
}

const MAX_DAY = { duckdb: `select max(order_date)::varchar as d from orders where workspace_id = $ws and status <> 'cancelled'` };

export async function lastOrderDay(w: Warehouse, ws: number): Promise<string | null> {
  const [r] = await w.all(sqlFor(w.dialect, MAX_DAY, 'lastOrderDay'), { ws });
  return (r?.d as string | null) ?? null;
}
