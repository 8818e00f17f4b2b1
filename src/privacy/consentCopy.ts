/**
 * The warehouse's copy of the consent ledger (同意记录副本): what analytics read (`consents`, the `consent_latest` view
 * and the `permitted_customers` macro, migration 030), never what a send decides on. Kept by the one state-copy
 * mechanism (src/store/sync.ts), plus the two things only the warehouse knows:
 * - who stands for a subject now: `customer_id` is the end of the subject's merge chain, set when an entry is copied
 *   and re-pointed by every merge and unmerge (`reownConsents`);
 * - entries an import wrote in its own transaction (`consent_outbox`), relayed to the state ledger after the import's
 *   commit (`relayConsentOutbox`): idempotent by origin, so a crash anywhere in between neither loses nor doubles one.
 */
import type { App } from '../app/context.ts';
import type { Warehouse } from '../store/interfaces.ts';
import { nextChanges, syncCopy, type StateCopy } from '../store/sync.ts';

type Entry = { id: number; workspace_id: number | null; subject_id: number | null; purpose: string | null; status: string | null; changed_at: number | null; source: string | null; policy_version: string | null; change_seq: number; erased: number };

/** The end of each subject's merge chain, for the subjects of `subjects` (a relation with workspace_id, subject_id). */
const OWNERS = (subjects: string) => `with recursive walk(ws, subject, cur, depth) as (
    select distinct workspace_id, subject_id, subject_id, 0 from ${subjects}
    union all
    select w.ws, w.subject, c.merged_into, w.depth + 1 from walk w join customers c on c.workspace_id = w.ws and c.id = w.cur
    where c.merged_into is not null and w.depth < 64)
  select ws, subject, arg_max(cur, depth) as owner from walk group by ws, subject`;

const COPY: StateCopy<Entry> = {
  name: 'consents',
  changedSql: `select * from (
      select id, workspace_id, subject_id, purpose, status, changed_at, source, policy_version, change_seq, 0 as erased from consents where change_seq > $after
      union all
      select consent_id, cast(null as integer), cast(null as bigint), cast(null as text), cast(null as text), cast(null as bigint), cast(null as text), cast(null as text), change_seq, 1
      from consent_erasures where change_seq > $after) c
    order by change_seq limit $limit`,
  async apply(w, rows) {
    await w.run(`create or replace temp table consent_copy_page (id bigint, workspace_id integer, subject_id bigint, purpose varchar, status varchar, changed_ms bigint, source varchar, policy_version varchar)`);
    const erased = new Set(rows.filter((r) => Number(r.erased) === 1).map((r) => Number(r.id)));
    if (erased.size) await w.run(`delete from consents where list_contains($ids, id)`, { ids: [...erased] });
    const a = await w.appender('consent_copy_page', { temp: true });
    for (const r of rows) {
      if (erased.has(Number(r.id))) continue;   // erased in this page: gone from the copy too
      a.appendBigInt(BigInt(r.id));
      a.appendInteger(Number(r.workspace_id));
      a.appendBigInt(BigInt(r.subject_id!));
      a.appendVarchar(r.purpose!);
      a.appendVarchar(r.status!);
      a.appendBigInt(BigInt(r.changed_at!));
      if (r.source === null) a.appendNull(); else a.appendVarchar(r.source);
      if (r.policy_version === null) a.appendNull(); else a.appendVarchar(r.policy_version);
      a.endRow();
    }
    a.closeSync();
    await w.run(`delete from consents where id in (select id from consent_copy_page)`);
    await w.run(
      `insert into consents (workspace_id, id, subject_id, customer_id, purpose, status, changed_at, source, evidence, policy_version)
       select p.workspace_id, p.id, p.subject_id, coalesce(o.owner, p.subject_id), p.purpose, p.status, epoch_ms(p.changed_ms), p.source, null, p.policy_version
       from consent_copy_page p left join (${OWNERS('consent_copy_page')}) o on o.ws = p.workspace_id and o.subject = p.subject_id`,
    );
    await w.run('drop table consent_copy_page');
  },
};

/** Brings the warehouse's copy up to date with the ledger; returns the entries copied. */
export function syncConsentCopy(app: Pick<App, 'state' | 'warehouse'>): Promise<number> {
  return syncCopy(app.state, app.warehouse, COPY);
}

/**
 * After a merge or unmerge: the copy's entries held by these customers get the customer that stands for their subject
 * now (a merged customer's go to its survivor; an unmerged customer's come back to it).
 */
export async function reownConsents(w: Warehouse, ws: number, holders: number[]): Promise<void> {
  if (!holders.length) return;
  await w.run(
    `update consents set customer_id = o.owner from (${OWNERS(`(select workspace_id, subject_id from consents where workspace_id = $ws and list_contains($holders, customer_id))`)}) o
     where consents.workspace_id = $ws and consents.subject_id = o.subject and consents.customer_id <> o.owner`,
    { ws, holders },
  );
}

const RELAY_PAGE = 5_000;
const ROWS_PER_INSERT = 200;

type Pending = { workspace_id: number; subject_id: number; purpose: string; status: string; changed_ms: number; source: string | null; evidence: string | null; policy_version: string | null; origin: string };

/** Moves the entries imports left in the outbox into the state ledger, then brings the copy up to date. */
export async function relayConsentOutbox(app: Pick<App, 'state' | 'warehouse'>): Promise<number> {
  let relayed = 0;
  for (;;) {
    const rows = await app.warehouse.all<Pending>(
      `select workspace_id, subject_id, purpose, status, epoch_ms(changed_at) as changed_ms, source, evidence, policy_version, origin
       from consent_outbox order by origin limit ${RELAY_PAGE}`,
    );
    if (!rows.length) break;
    const now = Date.now();
    await app.state.transaction(async () => {
      const last = await nextChanges(app.state, rows.length);
      let seq = last - rows.length;
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const chunk = rows.slice(i, i + ROWS_PER_INSERT);
        const params: Record<string, unknown> = { now };
        const values = chunk.map((r, j) => {
          const k = `${j}`;
          Object.assign(params, { [`w${k}`]: r.workspace_id, [`s${k}`]: r.subject_id, [`p${k}`]: r.purpose, [`t${k}`]: r.status, [`c${k}`]: r.changed_ms, [`o${k}`]: r.source, [`e${k}`]: r.evidence, [`v${k}`]: r.policy_version, [`g${k}`]: r.origin, [`q${k}`]: ++seq });
          return `($w${k}, $s${k}, $p${k}, $t${k}, $c${k}, $o${k}, $e${k}, $v${k}, $now, $g${k}, $q${k})`;
        });
        await app.state.run(
          `insert into consents (workspace_id, subject_id, purpose, status, changed_at, source, evidence, policy_version, recorded_at, origin, change_seq)
           values ${values.join(', ')} on conflict (origin) do nothing`,
          params,
        );
      }
    });
    await app.warehouse.run(`delete from consent_outbox where list_contains($o, origin)`, { o: rows.map((r) => r.origin) });
    relayed += rows.length;
    if (rows.length < RELAY_PAGE) break;
  }
  if (relayed) await syncConsentCopy(app);
  return relayed;
}
