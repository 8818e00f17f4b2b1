import type { Warehouse } from '../store/interfaces.ts';

/**
 * Who analytics may look at (分析范围): the customers the one consent policy permits for `analytics`
 * (`permitted_customers(ws, 'analytics')`, migration 030 — active, analytics not withdrawn, a guardian's grant for
 * a child). Everyone else is *excluded*: restricted (PIPL art. 44), analytics withdrawn, a child without the
 * guardian's grant, or merged into another record. docs/privacy.md, "What each purpose governs", says what that
 * means for each result: no per-person result or score includes them, and their orders stay in the brand's totals
 * as orders without a customer.
 *
 * The policy is evaluated once per change, not in every query: `insight_exclusions` holds every customer ever
 * excluded (`excluded` true now, false when permitted again, `changed_at` the last flip), refreshed with the
 * aggregates (src/insight/aggregates.ts) whenever what it depends on moves — the consent copy's watermark, the
 * customers' statuses and birth data (restriction, merge, a child's age), and today's date (a child turning 14).
 * Queries keep a customer with `analysed(col)`, an anti-join on a set that is small in practice.
 *
 * Derived data: the table is created here (no migration owns it) and rebuilt from the policy at any time; an
 * erasure's cascade removes its rows like any other customer column, and erased customers never enter it.
 */
export const EXCLUSIONS_DDL = `create table if not exists insight_exclusions (
  workspace_id integer not null,
  customer_id bigint not null,
  excluded boolean not null,
  changed_at timestamp not null
)`;

/** SQL: the customer `col` may be analysed (code, never user text; the query binds `$ws`). */
export const analysed = (col: string): string =>
  `${col} not in (select customer_id from insight_exclusions where workspace_id = $ws and excluded)`;

/** SQL: an event or row whose customer `col` is unknown (anonymous) or may be analysed. */
export const anonymousOrAnalysed = (col: string): string => `(${col} is null or ${analysed(col)})`;

const made = new Set<string>();

/** Creates the exclusions table once per store file and process. */
export async function ensureExclusions(w: Warehouse): Promise<void> {
  if (made.has(w.file)) return;
  await w.run(EXCLUSIONS_DDL);
  made.add(w.file);
}

/**
 * What the exclusions depend on, in two steps so the check stays cheap: `quick` (the consent copy's watermark, the
 * customers' count, a hash of their ids and statuses, their latest update, today's date) is taken on every call; only
 * when it moved is `exact` taken, which swaps the latest update for a hash of the birth data — so a profile update
 * (a collection load's identify) costs one hash, and only a change of consent, status, birth data or date
 * re-evaluates the policy.
 */
const BASE = `coalesce((select max(value) from sync_watermarks where name = 'consents'), 0)::varchar
    || '|' || count(*) || '|' || coalesce(bit_xor(hash(id, status)), 0)::varchar || '|' || current_date::varchar`;
const QUICK = `select ${BASE} || '|' || coalesce(max(updated_at)::varchar, '') as fp from customers where workspace_id = $ws`;
const EXACT = `select ${BASE} || '|' || coalesce(bit_xor(hash(id, is_minor, birth_year, birth_md)), 0)::varchar as fp from customers where workspace_id = $ws`;

export interface ScopeMark { quick: string; exact: string }

/** `stored` is `quick#exact` as saved with the aggregates; returns the current pair and whether the scope moved. */
export async function scopeChange(w: Warehouse, ws: number, stored: string | null): Promise<{ now: ScopeMark; moved: boolean }> {
  const [q] = await w.all<{ fp: string }>(QUICK, { ws });
  const [sq, se] = (stored ?? '').split('#');
  if (stored && q.fp === sq) return { now: { quick: sq, exact: se }, moved: false };
  const [e] = await w.all<{ fp: string }>(EXACT, { ws });
  return { now: { quick: String(q.fp), exact: String(e.fp) }, moved: String(e.fp) !== se };
}

export const scopeMarkText = (m: ScopeMark): string => `${m.quick}#${m.exact}`;

/**
 * Brings `insight_exclusions` in line with the policy, inside the caller's transaction. Leaves the customers whose
 * exclusion flipped in the temp table `insight_scope_flips (customer_id)`, for the aggregates to recompute.
 * Returns how many flipped.
 */
export async function refreshExclusions(w: Warehouse, ws: number): Promise<number> {
  await w.run(`create or replace temp table insight_scope_now as
    select id as customer_id from customers where workspace_id = $ws and status <> 'erased'
    except select customer_id from permitted_customers($ws, 'analytics')`, { ws });
  await w.run(`create or replace temp table insight_scope_flips as
    (select customer_id from insight_scope_now
      except select customer_id from insight_exclusions where workspace_id = $ws and excluded)
    union
    (select customer_id from insight_exclusions where workspace_id = $ws and excluded
      except select customer_id from insight_scope_now)`, { ws });
  await w.run(`update insight_exclusions set excluded = not excluded, changed_at = now()::timestamp
    where workspace_id = $ws and customer_id in (select customer_id from insight_scope_flips)`, { ws });
  await w.run(`insert into insight_exclusions (workspace_id, customer_id, excluded, changed_at)
    select $ws, customer_id, true, now()::timestamp from insight_scope_now
    where customer_id not in (select customer_id from insight_exclusions where workspace_id = $ws)`, { ws });
  await w.run('drop table insight_scope_now');
  return w.scalar('select count(*) from insight_scope_flips');
}
