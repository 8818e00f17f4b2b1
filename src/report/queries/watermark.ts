import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

/**
 * What the report reads from the warehouse, reduced to one line that changes whenever any of it does (数据水位):
 * per table a count and a sum of row hashes over the columns the chapters use, or the newest change time where rows
 * are only ever added. What the report itself writes (its audiences in customer_tags, the CLV scores it fits, the
 * insight aggregates) is left out, so building the report does not make it stale. One scan per table.
 */
const SQL = {
  duckdb: `select concat_ws('|',
      (select count(*) || ':' || coalesce(max(imported_at)::varchar, '') || ':' || coalesce(sum(hash(order_id, customer_id, order_date, status, gross_amount, refund_amount, discount_amount, channel, store_code, staff_code, campaign_id)), 0)
        from orders where workspace_id = $ws),
      (select count(*) || ':' || coalesce(max(received_at)::varchar, '') || ':' || coalesce(sum(hash(event_id, customer_id)), 0) from events where workspace_id = $ws),
      (select count(*) || ':' || coalesce(max(updated_at)::varchar, '') || ':' || coalesce(sum(hash(id, status, merged_into, gender, birth_year, city, city_tier, acquisition_channel, member_tier, owner_staff_code)), 0)
        from customers where workspace_id = $ws),
      (select count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(changed_at)::varchar, '') from consents where workspace_id = $ws),
      (select count(*) || ':' || count(unmerged_at) from identity_merges where workspace_id = $ws),
      (select count(*) || ':' || coalesce(sum(hash(code, name_masked, store_code)), 0) from staff where workspace_id = $ws),
      (select count(*) || ':' || coalesce(sum(hash(code, name)), 0) from stores where workspace_id = $ws),
      (select count(*) || ':' || count(removed_at) || ':' || coalesce(sum(hash(customer_id, staff_code)), 0) from contact_ownership where workspace_id = $ws),
      (select count(*) || ':' || coalesce(sum(hash(group_id, name)), 0) from community_groups where workspace_id = $ws),
      (select count(*) || ':' || count(left_at) || ':' || coalesce(sum(hash(group_id, customer_id)), 0) from group_members where workspace_id = $ws),
      (select count(*) || ':' || coalesce(sum(hash(campaign_id, name, kind, channel, started_at, ended_at)), 0) from campaigns where workspace_id = $ws),
      (select count(*) || ':' || coalesce(sum(hash(campaign_id, customer_id, arm)), 0) from campaign_members where workspace_id = $ws),
      (select count(*) || ':' || coalesce(sum(hash(content_id, title, kind)), 0) from content_items where workspace_id = $ws),
      (select name from workspaces where id = $ws)
    ) as mark`,
};

export async function warehouseWatermark(w: Warehouse, ws: number): Promise<string> {
  const r = await w.get<{ mark: string }>(sqlFor(w.dialect, SQL, 'reportWatermark'), { ws });
  return String(r?.mark ?? '');
}
