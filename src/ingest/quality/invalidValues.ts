import type { Warehouse } from '../../store/interfaces.ts';
import { sqlFor } from '../../store/interfaces.ts';

const SQL = {
  duckdb: `with runs as (
      select * from import_runs where workspace_id = $ws and status = 'done' and not coalesce((summary ->> 'dryRun')::boolean, false)
      qualify row_number() over (partition by entity, coalesce(regexp_replace(summary ->> 'file', '^.*/uploads/[0-9a-f-]{36}/[0-9]+/', 'upload:'), id) order by started_at desc, id desc) = 1)
    select coalesce(sum(rows), 0) as rows, coalesce(sum(rejected), 0) as rejected, count(*) as runs,
      (select coalesce(json_group_object(reason, n), '{}') from (
        select reason, sum(n::bigint) as n from (
          select unnest(json_keys(summary -> 'reasons')) as reason, summary -> 'reasons' ->> unnest(json_keys(summary -> 'reasons')) as n
          from runs) group by reason order by n desc limit 30)) as reasons,
      (select coalesce(json_group_object(t, n), '{}') from (
        select t, sum(n::bigint) as n from (
          select unnest(json_keys(summary -> 'invalidIdentifiers')) as t, summary -> 'invalidIdentifiers' ->> unnest(json_keys(summary -> 'invalidIdentifiers')) as n
          from runs) group by t)) as invalid_identifiers,
      coalesce(sum((summary ->> 'maskedIdentifiers')::bigint), 0) as masked_identifiers
    from runs`,
};

/**
 * Invalid values (无效值) across imports: rows rejected by reason, identifiers unusable (invalid or masked). Each file
 * counts once, by its latest run (importing a file again does not double its rejections) — a file by its path, an
 * HTTP upload by its name; dry runs do not count.
 */
export async function invalidValues(s: Warehouse, ws: number) {
  const [r] = await s.all(sqlFor(s.dialect, SQL, 'invalidValues'), { ws });
  const j = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v ?? {});
  return { importRuns: Number(r.runs), rowsRead: Number(r.rows), rowsRejected: Number(r.rejected), byReason: j(r.reasons), invalidIdentifiers: j(r.invalid_identifiers), maskedIdentifiers: Number(r.masked_identifiers) };
}
