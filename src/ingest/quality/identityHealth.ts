import type { StateStore } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

const SQL = {
  duckdb: `select
      (select count(*) from identity_merges where workspace_id = $ws and unmerged_at is null) as merged,
      (select count(*) from identity_merges where workspace_id = $ws and unmerged_at is not null) as unmerged,
      (select count(*) from identity_conflicts where workspace_id = $ws and status = 'open') as open_conflicts,
      (select count(*) from customers where workspace_id = $ws and status = 'merged') as merged_customers,
      (select coalesce(json_group_object(rule, n), '{}') from (select rule, count(*) as n from identity_merges where workspace_id = $ws and unmerged_at is null group by rule)) as by_rule`,
};

/** Duplicates found and merged (重复识别): merges by rule, undone merges, open conflicts. */
export async function identityHealth(s: StateStore, ws: number) {
  const [r] = await s.all(sqlFor(s.dialect, SQL, 'identityHealth'), { ws });
  return {
    merged: Number(r.merged), unmerged: Number(r.unmerged), openConflicts: Number(r.open_conflicts), mergedCustomers: Number(r.merged_customers),
    byRule: typeof r.by_rule === 'string' ? JSON.parse(r.by_rule) : r.by_rule,
  };
}
