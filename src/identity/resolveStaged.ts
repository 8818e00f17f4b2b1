import type { App } from '../app/context.ts';
import { ID_TYPES, type IdType } from '../domain/privacy/normalize.ts';
import { encryptMany } from '../domain/privacy/cipher.ts';
import { resolveIdentities } from '../domain/identity/resolve.ts';
import { rankOf, type MergeRules } from '../domain/identity/rules.ts';
import { tempAppender, pages, pipelinePages } from './temp.ts';
import { applyMerges } from './merges.ts';

export interface ResolveStats {
  customersCreated: number;
  merged: number;
  conflicts: number;
  identifiersAdded: number;
}

/**
 * Resolves the records of one batch against the store, set-based (身份识别). Expects two temp tables (or views):
 *   `<p>_ids(key, id_type, namespace, id_hash, norm, id_masked)` — the batch's distinct usable identifiers, each
 *     under an integer key (keyed hash; the normalised value only for encrypting new ones)
 *   `<p>_rid(_row, key)` — each record's identifiers
 * and leaves `<p>_rc(_row, customer_id, via)` (via: the key of the identifier that decided the row's customer) and
 * `<p>_newc(newkey, id)`, the customers it created. Everything over the batch's rows joins on the integer key; the
 * hashes are compared only with the store's identifiers.
 *
 * Only the part of the graph a link can change goes through union-find (`<p>_nodes`): identifiers seen together on
 * a row with another one, plus every identifier of the existing customers those touch. All other identifiers of
 * the batch are settled in SQL: a known one keeps its customer, an unseen one becomes a new customer of its own.
 * New customers are numbered in one statement, in order of first appearance; new identifiers are encrypted in bulk
 * and inserted with one INSERT … SELECT (the table has no ART index: uniqueness comes from the anti-join here and
 * from identity writes being serialised, see lock.ts).
 */
export async function resolveStaged(app: App, p: string, rules: MergeRules, o: { source: string | null; deferNewCustomers?: boolean }): Promise<ResolveStats> {
  return applyResolution(app, p, await planResolution(app, p, rules), o);
}

/** What `planResolution` decided, for `applyResolution` to write. */
export interface ResolutionPlan {
  created: number;
  identifiersAdded: number;
  merges: { survivor: number; merged: number; rule: IdType; via: number }[];
  conflicts: number;
  /** Whether `<p>_cipher` lists the ciphertexts in `<p>_newids`'s order (joined by position, else on k). */
  aligned: boolean;
}

/**
 * Everything of a resolution but its writes to the store, in temp tables: the graph, union-find, the new customers'
 * numbers, the new identifiers encrypted, the conflicts and the row → customer map. Run it under the identity lock
 * and OUTSIDE the write transaction: DuckDB scans a table created inside an open transaction on one thread only,
 * so the same statements inside it took twice as long on two cores. Customer numbers come from the sequence here
 * (a sequence is never rolled back anyway).
 */
export async function planResolution(app: App, p: string, rules: MergeRules): Promise<ResolutionPlan> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  const typeList = ID_TYPES as string[];
  // The batch's distinct identifiers and the customer already holding each (integers only: the temp tables over
  // millions of identifiers stay small; type and hash are read from `<p>_ids` where needed).
  await db.run(
    `create temp table ${p}_b as
     select b.key, b.first_row, b.nrows, ci.customer_id as existing
     from (select key, min(_row) as first_row, count(*) as nrows from ${p}_rid group by key) b join ${p}_ids i using (key)
     left join customer_identifiers ci on ci.workspace_id = $ws and ci.id_type = i.id_type and ci.namespace = i.namespace and ci.id_hash = i.id_hash`,
    { ws },
  );
  // Rows that link two or more identifiers: none when the file carries one identifier type (orders by member no.).
  const multi = (await db.scalar(`select count(distinct id_type) from ${p}_ids`)) > 1;
  await db.run(`create temp table ${p}_mr as select _row from ${p}_rid where ${multi} group by _row having count(*) > 1`);
  // A linking row whose identifiers are all new, seen on no other row, of distinct types that link (in the rules'
  // priority), is a new customer of its own: no union-find needed (most rows of a first import). Its identifiers
  // share their first row, which numbers that customer below.
  if (multi) {
    await db.run(
      `delete from ${p}_mr where _row in (
         select r._row from ${p}_rid r join ${p}_b b using (key) join ${p}_ids i using (key) semi join ${p}_mr m using (_row) group by r._row
         having max(b.nrows) = 1 and count(b.existing) = 0 and count(distinct i.id_type) = count(*) and bool_and(list_contains($linking, i.id_type)))`,
      { linking: rules.priority },
    );
  }
  const linked = multi && (await db.scalar(`select count(*) from ${p}_mr`)) > 0;
  // The graph: identifiers on linking rows, and every identifier of the existing customers those touch (`key` is
  // null for the ones not in this batch).
  await db.run(
    `create temp table ${p}_nodes as
     with m as (select distinct key from ${p}_rid where _row in (select _row from ${p}_mr)),
     bi as (select b.key, i.id_type, i.namespace, i.id_hash, b.existing, b.first_row from ${p}_b b join ${p}_ids i using (key)),
     mb as (select * from bi semi join m using (key)),
     touched as (select b.key, ci.id_type, ci.namespace, ci.id_hash, ci.customer_id as existing, b.first_row from customer_identifiers ci
                 left join bi b using (id_type, namespace, id_hash)
                 where ${linked} and ci.workspace_id = $ws and ci.customer_id in (select existing from mb where existing is not null)),
     allnodes as (select id_type, namespace, id_hash, any_value(key) as key, any_value(existing) as existing, min(first_row) as first_row
                  from (select * from mb union all select * from touched) group by id_type, namespace, id_hash)
     select (row_number() over (order by first_row nulls last, id_type, id_hash) - 1)::integer as node, (row_number() over (order by first_row nulls last, id_type, id_hash))::bigint as k,
            key, id_type, namespace, id_hash, existing, first_row, list_position($types, id_type)::integer - 1 as type_idx
     from allnodes`,
    { ws, types: typeList },
  );
  const n = await db.scalar(`select count(*) from ${p}_nodes`);
  await db.run(`create temp table ${p}_gres (node integer, cust bigint)`);
  let merges: { survivor: number; merged: number; rule: IdType; via: number }[] = [];
  let conflicts: { rule: string; uniqueType: string; a: number; b: number }[] = [];
  let customerOf: ArrayLike<number> = [];
  if (n) {
    const types: IdType[] = new Array(n);
    const existing: number[] = new Array(n);
    for await (const page of pages<{ node: number; type_idx: number; existing: number | null }>(db, `select node, type_idx, existing from ${p}_nodes where k between $a and $b`, n, 500_000)) {
      for (const r of page) {
        types[r.node] = typeList[r.type_idx] as IdType;
        existing[r.node] = r.existing ?? 0;
      }
    }
    await db.run(
      `create temp table ${p}_recs as select (row_number() over (order by first_row))::bigint as k, nodes from (
         select nodes, first_row from (
           select list(distinct n.node order by n.node) as nodes, min(r._row) as first_row from ${p}_rid r
           join ${p}_nodes n using (key) where r._row in (select _row from ${p}_mr) group by r._row having count(distinct n.node) > 1)
         qualify row_number() over (partition by nodes order by first_row) = 1)`,
    );
    const nrec = await db.scalar(`select count(*) from ${p}_recs`);
    const records: number[][] = [];
    for await (const page of pages<{ nodes: number[] }>(db, `select nodes from ${p}_recs where k between $a and $b`, nrec, 200_000)) for (const r of page) records.push(r.nodes);
    const separated = (await db.all<{ a: number; b: number }>(
      `select customer_a as a, customer_b as b from identity_conflicts where workspace_id = $ws and status = 'separated'
       and (customer_a in (select existing from ${p}_nodes) or customer_b in (select existing from ${p}_nodes))`, { ws },
    )).map((r) => [r.a, r.b] as [number, number]);
    const res = resolveIdentities({ types, existing, records, separated }, rules);
    merges = res.merges;
    conflicts = res.conflicts;
    customerOf = res.customerOf;
    const a = await tempAppender(db, `${p}_gres`);
    for (let i = 0; i < n; i++) {
      a.appendInteger(i);
      a.appendBigInt(BigInt(customerOf[i]));
      a.endRow();
    }
    a.closeSync();
  }

  // Identifiers settled without the graph; then every new customer (a new component or a lone unseen identifier)
  // numbered from customer_id_seq in order of first appearance.
  await db.run(`create temp table ${p}_simple as select b.* from ${p}_b b anti join ${p}_nodes n using (key)`);
  await db.run(
    `create temp table ${p}_newk as select newkey, row_number() over (order by fr, newkey) as ord from (
       select r.cust as newkey, min(n.first_row) as fr from ${p}_gres r join ${p}_nodes n using (node) where r.cust < 0 group by r.cust
       union all select distinct first_row as newkey, first_row as fr from ${p}_simple where existing is null)`,
  );
  const created = await db.scalar(`select count(*) from ${p}_newk`);
  await db.run(`create temp table ${p}_seq as select nextval('customer_id_seq') as id from range($k)`, { k: created });
  await db.run(`create temp table ${p}_newc as select k.newkey, s.id from ${p}_newk k join (select id, row_number() over (order by id) as ord from ${p}_seq) s using (ord)`);
  await db.run(
    `create temp table ${p}_nc as
     select n.key, n.existing, case when r.cust < 0 then c.id else r.cust end as customer_id from ${p}_nodes n join ${p}_gres r using (node) left join ${p}_newc c on c.newkey = r.cust
     where n.key is not null
     union all
     select s.key, s.existing, coalesce(s.existing, c.id) from ${p}_simple s left join ${p}_newc c on c.newkey = s.first_row`,
  );
  // New identifiers: their normalised value encrypted (for display), stored with hash and mask. The table carries
  // every column the insert needs, so the ciphertexts are joined back by position, not by a hash join over millions
  // of rows of hashes and ciphertexts (which spilled under the import's memory cap).
  await db.run(
    `create temp table ${p}_newids as select (row_number() over ())::bigint as k, nc.customer_id, i.id_type, i.namespace, i.id_hash, i.id_masked, i.norm
     from ${p}_nc nc join ${p}_ids i using (key) where nc.existing is null`,
  );
  const nnew = await db.scalar(`select count(*) from ${p}_newids`);
  // JS only encrypts (while DuckDB reads the next page) and appends the ciphertexts in the order it read them.
  await db.run(`create temp table ${p}_cipher (k bigint, id_cipher varchar)`);
  const ca = await tempAppender(db, `${p}_cipher`);
  await pipelinePages<{ k: number; norm: string }, string[]>(
    db, `select k, norm from ${p}_newids where k between $a and $b`, nnew, 50_000,
    (page) => encryptMany(app.keys, page.map((r) => r.norm)),
    (page, ciphers) => {
      for (let i = 0; i < page.length; i++) {
        ca.appendBigInt(BigInt(page[i].k));
        ca.appendVarchar(ciphers[i]);
        ca.endRow();
      }
      ca.flushSync();
    },
  );
  ca.closeSync();
  // Both tables list the identifiers in k order (pages are read in order, and a scan keeps a table's order), so row
  // i of one is row i of the other: checked on the keys, and joined on them should it ever not hold.
  const aligned = (await db.scalar(`select count(*) from ${p}_newids n positional join ${p}_cipher c where n.k is distinct from c.k`)) === 0;

  // Conflicts, for applyResolution to record.
  if (conflicts.length) {
    await db.run(`create temp table ${p}_cf (rule varchar, unique_type varchar, node integer, a bigint, b bigint)`);
    const cf = await tempAppender(db, `${p}_cf`);
    for (const c of conflicts) {
      cf.appendVarchar(c.rule);
      cf.appendVarchar(c.uniqueType);
      cf.appendInteger(c.a);
      cf.appendBigInt(BigInt(customerOf[c.a]));
      cf.appendBigInt(BigInt(customerOf[c.b]));
      cf.endRow();
    }
    cf.closeSync();
  }

  // Each record's customer: that of its highest-priority identifier (`via`, the identifier the record came by).
  const ranks = typeList.map((t) => rankOf(rules, t as IdType));
  if (multi) {
    await db.run(
      `create temp table ${p}_rc as select r._row, arg_min(nc.customer_id, $ranks[list_position($types, i.id_type)]) as customer_id, arg_min(r.key, $ranks[list_position($types, i.id_type)]) as via
       from ${p}_rid r join ${p}_nc nc using (key) join ${p}_ids i using (key) group by r._row`,
      { ranks: ranks, types: typeList },
    );
  } else {
    await db.run(`create temp table ${p}_rc as select r._row, nc.customer_id, r.key as via from ${p}_rid r join ${p}_nc nc using (key)`);
  }
  return { created, identifiersAdded: nnew, merges, conflicts: conflicts.length, aligned };
}

/**
 * The writes of a planned resolution, inside the caller's transaction: the new customers (a customers file inserts
 * them with their attributes itself: writeCustomers reads `<p>_newc`), their identifiers with the ciphertexts, the
 * merges (every moved row recorded) and the conflicts.
 */
export async function applyResolution(app: App, p: string, plan: ResolutionPlan, o: { source: string | null; deferNewCustomers?: boolean }): Promise<ResolveStats> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  if (plan.created && !o.deferNewCustomers) await db.run(`insert into customers (workspace_id, id) select $ws, id from ${p}_newc`, { ws });
  if (plan.identifiersAdded) {
    await db.run(
      `insert into customer_identifiers (workspace_id, id_type, namespace, id_hash, id_cipher, id_masked, customer_id, source, first_seen_at)
       select $ws, n.id_type, n.namespace, n.id_hash, c.id_cipher, n.id_masked, n.customer_id, $source, now()
       from ${p}_newids n ${plan.aligned ? 'positional join' : 'join'} ${p}_cipher c ${plan.aligned ? '' : 'using (k)'}`,
      { ws, source: o.source },
    );
  }
  const merged = await applyMerges(app, p, plan.merges, o.source);
  if (plan.conflicts) {
    // Once per (link, pair of customers), numbered in the order of their customers (not of DuckDB's threads).
    await db.run(
      `insert into identity_conflicts (workspace_id, rule, unique_type, link_type, link_namespace, link_hash, customer_a, customer_b, source)
       select * from (
         select distinct $ws, f.rule, f.unique_type, n.id_type, n.namespace, n.id_hash, least(x, y) as a, greatest(x, y) as b, $source
         from (select f.*, case when f.a < 0 then ca.id else f.a end as x, case when f.b < 0 then cb.id else f.b end as y from ${p}_cf f
               left join ${p}_newc ca on ca.newkey = f.a left join ${p}_newc cb on cb.newkey = f.b) f
         join ${p}_nodes n using (node) where x <> y)
       order by a, b, rule, id_type, id_hash
       on conflict do nothing`,
      { ws, source: o.source },
    );
  }
  return { customersCreated: plan.created, merged, conflicts: plan.conflicts, identifiersAdded: plan.identifiersAdded };
}
