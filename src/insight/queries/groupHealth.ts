import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { analysed, anonymousOrAnalysed } from '../scope.ts';

/**
 * Group health (社群健康度) per group: members at the window's end, members who posted (group_message events with
 * properties.group_id) in the window, messages, and the GMV and repurchase rate (≥ 2 orders ÷ ≥ 1) of its members
 * in the window. Plus members vs non-members overall (GMV per customer, repurchase) and join → first order: of
 * customers joining a group in the window with no earlier order, the share ordering within $days days. Only
 * customers analytics may look at count, and only their messages (src/insight/scope.ts).
 */
const PER_GROUP = {
  duckdb: `with mem as (
      select distinct group_id, customer_id from group_members
      where workspace_id = $ws and ${analysed('customer_id')} and timezone($tz, timezone('UTC', joined_at))::date <= $to::date
        and (left_at is null or timezone($tz, timezone('UTC', left_at))::date > $to::date)
    ),
    msg as (
      select (e.properties->>'group_id') as group_id, e.customer_id from events e
      where e.workspace_id = $ws and e.type = 'group_message' and e.event_date between $from::date and $to::date and ${anonymousOrAnalysed('e.customer_id')}
    ),
    po as (
      select customer_id, count(*) as orders, sum(gross_amount) as gmv from orders
      where workspace_id = $ws and status <> 'cancelled' and customer_id is not null and order_date between $from::date and $to::date group by customer_id
    )
    select g.group_id, g.name,
      (select count(*) from mem where mem.group_id = g.group_id) as members,
      (select count(distinct customer_id) from msg where msg.group_id = g.group_id) as active_members,
      (select count(*) from msg where msg.group_id = g.group_id) as messages,
      (select coalesce(sum(po.gmv), 0) from mem join po using (customer_id) where mem.group_id = g.group_id) as gmv,
      (select count(*) from mem join po using (customer_id) where mem.group_id = g.group_id) as buyers,
      (select count(*) from mem join po using (customer_id) where mem.group_id = g.group_id and po.orders >= 2) as repeat_buyers
    from community_groups g where g.workspace_id = $ws order by members desc, g.group_id`,
};

const MEMBERS_VS_OTHERS = {
  duckdb: `with mem as (
      select distinct customer_id from group_members
      where workspace_id = $ws and ${analysed('customer_id')} and timezone($tz, timezone('UTC', joined_at))::date <= $to::date
        and (left_at is null or timezone($tz, timezone('UTC', left_at))::date > $to::date)
    ),
    po as (
      select customer_id, count(*) as orders, sum(gross_amount) as gmv from orders
      where workspace_id = $ws and status <> 'cancelled' and customer_id is not null and order_date between $from::date and $to::date group by customer_id
    ),
    base as (
      select c.id, c.id in (select customer_id from mem) as member, coalesce(po.orders, 0) as orders, coalesce(po.gmv, 0) as gmv
      from customers c left join po on po.customer_id = c.id
      where c.workspace_id = $ws and c.status = 'active' and ${analysed('c.id')}
    )
    select member, count(*) as customers, count(*) filter (where orders >= 1) as buyers, count(*) filter (where orders >= 2) as repeat_buyers, sum(gmv) as gmv
    from base group by member`,
};

const JOIN_TO_FIRST_ORDER = {
  duckdb: `with j as (
      select customer_id, min(joined_at) as joined_at from group_members where workspace_id = $ws and ${analysed('customer_id')} group by customer_id
    ),
    f as (select customer_id, min(ordered_at) as first_at from orders where workspace_id = $ws and status <> 'cancelled' and customer_id is not null group by customer_id),
    x as (
      select j.customer_id, j.joined_at, f.first_at from j left join f on f.customer_id = j.customer_id
      where timezone($tz, timezone('UTC', j.joined_at))::date between $from::date and $to::date and (f.first_at is null or f.first_at >= j.joined_at)
    )
    select count(*) as joined_without_order, count(*) filter (where first_at < joined_at + to_days($days::integer)) as ordered_within,
      median(date_diff('day', joined_at, first_at)) filter (where first_at < joined_at + to_days($days::integer)) as median_days
    from x`,
};

export async function groupHealth(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, PER_GROUP, 'groupHealth', p)).map((r) => {
    const buyers = Number(r.buyers);
    return {
      group_id: String(r.group_id), name: String(r.name), members: Number(r.members), active_members: Number(r.active_members), messages: Number(r.messages),
      activity_rate: Number(r.members) ? Number(r.active_members) / Number(r.members) : null,
      gmv: Number(r.gmv), buyers, repurchase_rate: buyers ? Number(r.repeat_buyers) / buyers : null,
    };
  });
}

export async function membersVsOthers(w: Warehouse, p: Record<string, unknown>) {
  const rows = await query(w, MEMBERS_VS_OTHERS, 'membersVsOthers', p);
  const side = (m: boolean) => {
    const r = rows.find((x) => Boolean(x.member) === m);
    const customers = Number(r?.customers ?? 0);
    const buyers = Number(r?.buyers ?? 0);
    return { customers, buyers, gmv: Number(r?.gmv ?? 0), gmv_per_customer: customers ? Number(r?.gmv ?? 0) / customers : null, repurchase_rate: buyers ? Number(r?.repeat_buyers ?? 0) / buyers : null };
  };
  return { members: side(true), non_members: side(false) };
}

export async function joinToFirstOrder(w: Warehouse, p: Record<string, unknown>) {
  const [r] = await query(w, JOIN_TO_FIRST_ORDER, 'joinToFirstOrder', p);
  const n = Number(r?.joined_without_order ?? 0);
  const k = Number(r?.ordered_within ?? 0);
  return { joined_without_order: n, ordered_within_days: k, rate: n ? k / n : null, median_days: r?.median_days === null || r?.median_days === undefined ? null : Number(r.median_days) };
}
