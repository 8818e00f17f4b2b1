import type { App } from '../app/context.ts';
import { ID_TYPES, type IdType } from '../domain/privacy/normalize.ts';
import { encrypt } from '../domain/privacy/cipher.ts';
import { resolveIdentities } from '../domain/identity/resolve.ts';
import { rankOf, type MergeRules } from '../domain/identity/rules.ts';
import { tempAppender, pages } from './temp.ts';
import { applyMerges } from './merges.ts';
import { listValue } from '@duckdb/node-api';


export interface ResolveStats {
  customersCreated: number;
  merged: number;
  conflicts: number;
  identifiersAdded: number;
}

/**
 * Resolves the records of one batch against the store, set-based. Expects two temp tables:
 *   `<p>_rid(_row, id_type, namespace, id_hash)`   — each record's usable identifiers (keyed hashes)
 *   `<p>_idv(id_type, namespace, id_hash, norm, id_masked)` — the normalised value of each, for encrypting new ones
 * and leaves `<p>_rc(_row, customer_id)`. Customers are created for unseen identifiers, new identifiers join
 * existing customers, merges are applied and recorded, conflicts recorded for review.
 */
export async function resolveStaged(app: App, p: string, rules: MergeRules, o: { source: string | null }): Promise<ResolveStats> {
  const db = app.db;
  const ws = app.workspaceId;
  const typeList = ID_TYPES as string[];
  // Nodes: the batch's identifiers, plus every identifier of the customers they touch (to see conflicts whole).
  await db.run(
    `create temp table ${p}_nodes as
     with batch as (select id_type, namespace, id_hash, min(_row) as first_row from ${p}_rid group by all),
     known as (select b.id_type, b.namespace, b.id_hash, ci.customer_id, b.first_row from batch b
               left join customer_identifiers ci on ci.workspace_id = $ws and ci.id_type = b.id_type and ci.namespace = b.namespace and ci.id_hash = b.id_hash),
     touched as (select ci.id_type, ci.namespace, ci.id_hash, ci.customer_id, null::bigint as first_row from customer_identifiers ci
                 where ci.workspace_id = $ws and ci.customer_id in (select customer_id from known where customer_id is not null)),
     allnodes as (select id_type, namespace, id_hash, any_value(customer_id) as customer_id, min(first_row) as first_row from (select * from known union all select * from touched) group by all)
     select (row_number() over (order by first_row nulls last, id_type, id_hash) - 1)::integer as node, (row_number() over (order by first_row nulls last, id_type, id_hash))::bigint as k,
            id_type, namespace, id_hash, customer_id as existing, list_position($types, id_type)::integer - 1 as type_idx
     from allnodes`,
    { ws, types: listValue(typeList) },
  );
  const n = await db.scalar(`select count(*) from ${p}_nodes`);
  const types: IdType[] = new Array(n);
  const existing: number[] = new Array(n);
  for await (const page of pages<{ node: number; type_idx: number; existing: number | null }>(db, `select node, type_idx, existing from ${p}_nodes where k between $a and $b`, n, 500_000)) {
    for (const r of page) {
      types[r.node] = typeList[r.type_idx] as IdType;
      existing[r.node] = r.existing ?? 0;
    }
  }
  // Records that link two or more identifiers (a single identifier links nothing): none when each row carries one
  // identifier type (an orders file keyed by member number), so that grouping is skipped.
  const multi = (await db.scalar(`select count(distinct id_type) from ${p}_rid`)) > 1;
  await db.run(
    `create temp table ${p}_recs as select (row_number() over (order by first_row))::bigint as k, nodes from (
       select list(distinct n.node order by n.node) as nodes, min(r._row) as first_row from ${p}_rid r
       join ${p}_nodes n using (id_type, namespace, id_hash) where ${multi} group by r._row having count(distinct n.node) > 1
       qualify row_number() over (partition by nodes order by first_row) = 1 order by first_row)`,
  );
  const nrec = await db.scalar(`select count(*) from ${p}_recs`);
  const records: number[][] = [];
  for await (const page of pages<{ nodes: number[] }>(db, `select nodes from ${p}_recs where k between $a and $b`, nrec, 200_000)) for (const r of page) records.push(r.nodes);

  const separated = (await db.all<{ a: number; b: number }>(
    `select customer_a as a, customer_b as b from identity_conflicts where workspace_id = $ws and status = 'separated'
     and (customer_a in (select existing from ${p}_nodes) or customer_b in (select existing from ${p}_nodes))`, { ws },
  )).map((r) => [r.a, r.b] as [number, number]);
  const res = resolveIdentities({ types, existing, records, separated }, rules);

  // New customers get ids from customer_id_seq.
  const fresh = res.newCustomers ? (await db.all<{ id: number }>(`select nextval('customer_id_seq') as id from range($k)`, { k: res.newCustomers })).map((r) => r.id) : [];
  const customerOf = (node: number) => {
    const c = res.customerOf[node];
    return c > 0 ? c : fresh[-c - 1];
  };
  await db.run(`create temp table ${p}_nc (node integer, customer_id bigint, is_new boolean)`);
  const a = await tempAppender(db, `${p}_nc`);
  for (let i = 0; i < n; i++) {
    a.appendInteger(i);
    a.appendBigInt(BigInt(customerOf(i)));
    a.appendBoolean(res.customerOf[i] < 0);
    a.endRow();
  }
  a.closeSync();

  if (fresh.length) {
    await db.run(`insert into customers (workspace_id, id) select distinct $ws, customer_id from ${p}_nc where is_new order by customer_id`, { ws });
  }
  // New identifiers: encrypt their normalised value (display), store with hash and mask.
  await db.run(
    `create temp table ${p}_newids as select (row_number() over ())::bigint as k, * from (
       select n.node, n.id_type, n.namespace, n.id_hash, any_value(v.norm) as norm, any_value(v.id_masked) as id_masked
       from ${p}_nodes n join ${p}_idv v on v.id_type = n.id_type and v.namespace = n.namespace and v.id_hash = n.id_hash
       where n.existing is null group by all)`,
  );
  const nnew = await db.scalar(`select count(*) from ${p}_newids`);
  await db.run(`create temp table ${p}_cip (node integer, id_cipher varchar)`);
  const ca = await tempAppender(db, `${p}_cip`);
  for await (const page of pages<{ node: number; norm: string }>(db, `select node, norm from ${p}_newids where k between $a and $b`, nnew, 100_000)) {
    for (const r of page) {
      ca.appendInteger(r.node);
      ca.appendVarchar(encrypt(app.keys, r.norm));
      ca.endRow();
    }
    ca.flushSync();
  }
  ca.closeSync();
  await db.run(
    `insert into customer_identifiers (workspace_id, id_type, namespace, id_hash, id_cipher, id_masked, customer_id, source)
     select $ws, n.id_type, n.namespace, n.id_hash, c.id_cipher, n.id_masked, nc.customer_id, $source
     from ${p}_newids n join ${p}_cip c using (node) join ${p}_nc nc using (node)`,
    { ws, source: o.source },
  );

  const merged = await applyMerges(app, p, res.merges.map((m) => ({ survivor: m.survivor, merged: m.merged, rule: m.rule, via: m.via })), o.source);

  // Conflicts, once per (link, pair of customers).
  if (res.conflicts.length) {
    await db.run(`create temp table ${p}_cf (rule varchar, unique_type varchar, node integer, a bigint, b bigint)`);
    const cf = await tempAppender(db, `${p}_cf`);
    for (const c of res.conflicts) {
      const [x, y] = [customerOf(c.a), customerOf(c.b)].sort((u, v) => u - v);
      if (x === y) continue;
      cf.appendVarchar(c.rule);
      cf.appendVarchar(c.uniqueType);
      cf.appendInteger(c.a);
      cf.appendBigInt(BigInt(x));
      cf.appendBigInt(BigInt(y));
      cf.endRow();
    }
    cf.closeSync();
    await db.run(
      `insert into identity_conflicts (workspace_id, rule, unique_type, link_type, link_namespace, link_hash, customer_a, customer_b, source)
       select distinct $ws, f.rule, f.unique_type, n.id_type, n.namespace, n.id_hash, f.a, f.b, $source from ${p}_cf f join ${p}_nodes n using (node)
       on conflict do nothing`,
      { ws, source: o.source },
    );
  }

  // Each record's customer: that of its highest-priority identifier.
  const ranks = typeList.map((t) => rankOf(rules, t as IdType));
  if (multi) {
    await db.run(
      `create temp table ${p}_rc as select r._row, arg_min(nc.customer_id, $ranks[list_position($types, r.id_type)]) as customer_id
       from ${p}_rid r join ${p}_nodes n using (id_type, namespace, id_hash) join ${p}_nc nc using (node) group by r._row`,
      { ranks: listValue(ranks), types: listValue(typeList) },
    );
  } else {
    await db.run(`create temp table ${p}_rc as select r._row, nc.customer_id from ${p}_rid r join ${p}_nodes n using (id_type, namespace, id_hash) join ${p}_nc nc using (node)`);
  }
  return { customersCreated: fresh.length, merged, conflicts: res.conflicts.length, identifiersAdded: nnew };
}
