import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * Campaign results by arm (活动效果): for each campaign that ran within a year before $to, per arm (treatment /
 * holdout), members, how many ordered during the campaign (started_at … ended_at), orders and their value.
 * Written here because no campaign query exists yet.
 */
export interface CampaignArm {
  campaign_id: string;
  name: string;
  kind: string | null;
  channel: string | null;
  started: string;
  ended: string;
  arm: string;
  members: number;
  converted: number;
  orders: number;
  gmv: number;
}

const SQL = {
  duckdb: `with c as (
      select campaign_id, name, kind, channel, started_at, coalesce(ended_at, started_at + interval 30 day) as ended_at
      from campaigns where workspace_id = $ws and started_at::date <= $to::date
        and coalesce(ended_at, started_at + interval 30 day)::date >= $to::date - interval 365 day
    ),
    conv as (
      select m.campaign_id, m.customer_id, count(o.order_id) as n, coalesce(sum(o.gross_amount), 0)::double as v
      from campaign_members m join c using (campaign_id)
      left join orders o on o.workspace_id = m.workspace_id and o.customer_id = m.customer_id and o.status <> 'cancelled'
        and o.ordered_at between c.started_at and c.ended_at
      where m.workspace_id = $ws
      group by m.campaign_id, m.customer_id
    )
    select c.campaign_id, c.name, c.kind, c.channel, c.started_at::date::varchar as started, c.ended_at::date::varchar as ended, m.arm,
      count(*) as members, count(*) filter (where conv.n > 0) as converted, sum(conv.n) as orders, sum(conv.v) as gmv
    from c join campaign_members m on m.workspace_id = $ws and m.campaign_id = c.campaign_id
    join conv on conv.campaign_id = m.campaign_id and conv.customer_id = m.customer_id
    group by all order by started desc, c.campaign_id, m.arm`,
};

export async function campaignArms(w: Warehouse, p: { ws: number; to: string }): Promise<CampaignArm[]> {
  const rows = await w.all(sqlFor(w.dialect, SQL, 'campaignArms'), p);
  return rows.map((r) => ({
    campaign_id: String(r.campaign_id), name: String(r.name), kind: (r.kind as string | null) ?? null, channel: (r.channel as string | null) ?? null,
    started: String(r.started), ended: String(r.ended), arm: String(r.arm),
    members: Number(r.members), converted: Number(r.converted), orders: Number(r.orders), gmv: Number(r.gmv),
  }));
}

/** Buyers with no order in the $days days up to $to (the audience a proven win-back campaign would be rolled out to). */
export const LAPSED_BUYERS = {
  duckdb: `select customer_id from orders
    where workspace_id = $ws and status <> 'cancelled' and customer_id is not null and order_date <= $to::date
    group by customer_id having max(order_date) < $to::date - to_days($days::integer)`,
};
