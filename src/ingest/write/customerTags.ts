import type { Warehouse } from '../../store/interfaces.ts';
import { GOOD } from './sql.ts';

/**
 * A customers file's `tags` column (有赞 标签: 绿茶控, 高复购): each value split on commas, semicolons, slashes, 、 or
 * blanks, and every tag a customer does not carry yet added to customer_tags with source `import` — the tags the
 * insight filters (`--segment`) and `siyu tags list` read. An export lists a customer's tags as it knows them: a
 * tag missing from a later file is not removed (a manual or rule tag of the same name is left as it is).
 */
export async function stageImportTags(db: Warehouse, p: string, ws: number): Promise<void> {
  await db.run(
    `create temp table ${p}_tagnew as
     select distinct rc.customer_id, t.tag from (
       select r._row, unnest(list_filter(string_split_regex(r.tags, '[,，;；|/、\\s]+'), x -> x <> '')) as tag
       from ${p}_rows r where ${GOOD} and r.tags is not null) t
     join ${p}_rc rc using (_row)
     anti join (select customer_id, tag from customer_tags where workspace_id = $ws) k on k.customer_id = rc.customer_id and k.tag = t.tag`,
    { ws },
  );
}

/** The staged new tags written (after the file's customers exist). */
export async function writeImportTags(db: Warehouse, p: string, ws: number): Promise<void> {
  await db.run(`insert into customer_tags (workspace_id, customer_id, tag, source) select $ws, customer_id, tag, 'import' from ${p}_tagnew on conflict do nothing`, { ws });
}
