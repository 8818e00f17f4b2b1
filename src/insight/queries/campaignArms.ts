import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';
import { analysed } from '../scope.ts';

/**
 * Campaign holdout comparison (活动增量): per campaign and arm (treatment / holdout), members, those with any order
 * (not cancelled) in [started_at, started_at + window), and their GMV there. The window is $window_days when given,
 * else ended_at − started_at, else 30 days. Members analytics may not look at are left out of both arms
 * (src/insight/scope.ts).
 */
const SQL = {
  duckdb: `with c as (
      select campaign_id, name, kind, started_at,
        started_at + to_days(coalesce($window_days::integer, date_diff('day', started_at, ended_at)::integer, 30)) as until
      from campaigns where workspace_id = $ws and started_at is not null and ($campaign::varchar is null or campaign_id = $campaign)
    ),
    m as (select cm.campaign_id, cm.customer_id, cm.arm from campaign_members cm join c using (campaign_id) where cm.workspace_id = $ws and ${analysed('cm.customer_id')}),
    o as (
      select m.campaign_id, m.customer_id, count(o.order_id) as orders, coalesce(sum(o.gross_amount), 0) as gmv
      from m join c using (campaign_id)
      left join orders o on o.workspace_id = $ws and o.customer_id = m.customer_id and o.status <> 'cancelled' and o.ordered_at >= c.started_at and o.ordered_at < c.until
      group by all
    )
    select c.campaign_id, c.name, c.kind, c.started_at::varchar as started_at, c.until::varchar as until, m.arm,
      count(*) as members, count(*) filter (where o.orders > 0) as converted, sum(o.gmv) as gmv
    from c join m using (campaign_id) join o using (campaign_id, customer_id)
    group by all order by c.campaign_id, m.arm`,
};

export async function campaignArms(w: Warehouse, p: Record<string, unknown>) {
  return (await query(w, SQL, 'campaignArms', p)).map((r) => ({
    campaign_id: String(r.campaign_id), name: String(r.name), kind: (r.kind as string) ?? null, started_at: String(r.started_at), until: String(r.until),
    arm: String(r.arm), members: Number(r.members), converted: Number(r.converted), gmv: Number(r.gmv),
  }));
}
