import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

const SQL = {
  duckdb: `select
      (select count(*) from identity_merges where workspace_id = $ws and unmerged_at is null) as merged,
      (select count(*) from identity_merges where workspace_id = $ws and unmerged_at is not null) as unmerged,
      (select count(*) from identity_conflicts where workspace_id = $ws and status = 'open') as open_conflicts,
      (select count(*) from customers where workspace_id = $ws and status = 'merged') as merged_customers,
      (select coalesce(json_group_object(rule, n), '{}') from (select rule, count(*) as n from identity_merges where workspace_id = $ws and unmerged_at is null group by rule)) as by_rule,
      (select coalesce(json_group_object(id_type, n), '{}') from (
        select id_type, sum(n - 1) as n from (
          select customer_id, id_type, count(*) as n from customer_identifiers
          where workspace_id = $ws and customer_id in (select id from customers where workspace_id = $ws and status in ('active', 'restricted'))
          group by all having count(*) > 1)
        group by id_type order by id_type)) as folded`,
};

/**
 * Duplicates found and merged (重复识别): merges by rule, undone merges, open conflicts, and records folded — per
 * identifier type, the values an active customer holds beyond its first (two member numbers found to be one person,
 * in one file or by a merge).
 */
export async function identityHealth(s: Warehouse, ws: number) {
  const [r] = await s.all(sqlFor(s.dialect, SQL, 'identityHealth'), { ws });
  const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  const folded = json(r.folded) as Record<string, unknown>;
  return {
    merged: Number(r.merged), unmerged: Number(r.unmerged), openConflicts: Number(r.open_conflicts), mergedCustomers: Number(r.merged_customers),
    byRule: json(r.by_rule), recordsFolded: Object.fromEntries(Object.entries(folded).map(([k, v]) => [k, Number(v)])),
  };
}
