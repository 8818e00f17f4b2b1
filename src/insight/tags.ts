import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { checkRule, type TagRule } from '../domain/segments/tags.ts';
import { isDay } from '../domain/metrics/periods.ts';
import { refreshAggregates } from './aggregates.ts';
import { compileRule } from './tagSql.ts';
import { query } from './queries/query.ts';
import { workspaceTimezone } from './timezone.ts';
import { analysed } from './scope.ts';
import { definitionsFingerprint, ensureManualTag, saveTagDefinition, storedTags } from './tagDefinitions.ts';

/**
 * 标签: rule tags recomputed incrementally (customers with orders imported, profile changes or a change of analytics
 * scope since the last run; everyone when a definition changed or the reference day moved), and manual tags, which
 * rules never touch. Only customers analytics may look at carry rule tags, and only theirs count
 * (src/insight/scope.ts); a manual tag on an excluded customer is kept but neither counted nor added.
 * Definitions are in the state store (tagDefinitions.ts).
 */
const SCOPE = {
  duckdb: `create or replace temp table insight_tag_scope as
    select id as customer_id from customers
    where workspace_id = $ws and status = 'active' and ${analysed('id')}
      and ($all or updated_at >= $at::timestamp
        or id in (select customer_id from orders where workspace_id = $ws and imported_at > $since::timestamp)
        or id in (select customer_id from insight_exclusions where workspace_id = $ws and changed_at >= $at::timestamp))`,
};

/** One row per customer in scope: the fields of src/domain/segments/tags.ts FIELDS. */
const FEATURES = `with f as (
    select c.id as customer_id, c.gender, c.city, c.city_tier, c.acquisition_channel, c.member_tier,
      year($asof::date) - c.birth_year as age,
      coalesce(a.orders, 0) as orders, coalesce(a.gmv, 0)::double as gmv,
      date_diff('day', a.last_order_date, $asof::date) as recency_days,
      date_diff('day', a.first_order_date, $asof::date) as tenure_days,
      a.gmv::double / nullif(a.orders, 0) as aov,
      coalesce(y.spend_12m, 0) as spend_12m, coalesce(y.orders_12m, 0) as orders_12m,
      o.discount_share, o.night_share
    from customers c
    join insight_tag_scope s on s.customer_id = c.id
    left join insight_customer_agg a on a.workspace_id = c.workspace_id and a.customer_id = c.id
    left join (select customer_id, sum(gmv)::double as spend_12m, sum(orders) as orders_12m from insight_customer_month
               where workspace_id = $ws and month > date_trunc('month', $asof::date) - interval 12 month and month <= $asof::date group by customer_id) y on y.customer_id = c.id
    left join (select customer_id,
                 avg(case when discount_amount > 0 or coupon_code is not null then 1 else 0 end) as discount_share,
                 avg(case when hour(timezone($tz, timezone('UTC', ordered_at))) >= 22 or hour(timezone($tz, timezone('UTC', ordered_at))) < 5 then 1 else 0 end) as night_share
               from orders where workspace_id = $ws and status <> 'cancelled' and customer_id in (select customer_id from insight_tag_scope) group by customer_id) o on o.customer_id = c.id
    where c.workspace_id = $ws
  ),
  cat_spend as (
    select o.customer_id, p.category, l.amount::double as amount
    from order_lines l join orders o on o.workspace_id = l.workspace_id and o.order_id = l.order_id
    left join products p on p.workspace_id = l.workspace_id and p.sku = l.sku
    where l.workspace_id = $ws and o.status <> 'cancelled' and o.customer_id in (select customer_id from insight_tag_scope)
  )`;

export interface TagDefinition { name: string; kind: 'rule' | 'manual'; rule: TagRule | null; description: string | null; customers: number }

/** Every tag with how many customers analytics may look at carry it. */
export async function listTags(app: App): Promise<TagDefinition[]> {
  const defs = await storedTags(app);
  await refreshAggregates(app);
  const counts = new Map((await app.warehouse.all<{ tag: string; n: number }>(
    `select tag, count(*) as n from customer_tags where workspace_id = $ws and ${analysed('customer_id')} group by tag`, { ws: app.workspaceId },
  )).map((r) => [String(r.tag), Number(r.n)]));
  return defs.map((d) => ({ name: d.name, kind: d.kind, rule: (d.rule as TagRule | null) ?? null, description: d.description, customers: counts.get(d.name) ?? 0 }));
}

/** Defines (or redefines) a tag: a rule tag with a rule (checked against each field's type), a manual tag without. */
export async function defineTag(app: App, name: string, rule: unknown, description?: string): Promise<void> {
  await saveTagDefinition(app, name, rule, description);
}

/** Adds (or removes) a manual tag on customers; returns how many rows changed (excluded customers are not tagged). */
export async function tagCustomers(app: App, tag: string, customerIds: number[], remove = false): Promise<number> {
  await ensureManualTag(app, tag);
  if (!remove) await refreshAggregates(app);
  const ids = [...new Set(customerIds)];
  return app.warehouse.transaction(async () => {
    if (remove) return app.warehouse.changes(`delete from customer_tags where workspace_id = $ws and tag = $t and list_contains($ids, customer_id)`, { ws: app.workspaceId, ids, t: tag });
    return app.warehouse.changes(`insert or replace into customer_tags (workspace_id, customer_id, tag, source)
      select $ws, id, $t, 'manual' from customers where workspace_id = $ws and list_contains($ids, id) and ${analysed('id')}`, { ws: app.workspaceId, ids, t: tag });
  });
}

export interface RecomputeResult {
  mode: 'full' | 'incremental';
  as_of: string;
  customers_in_scope: number;
  tags: Record<string, number>;
  /** Stored rules that no longer pass the check (written before it existed): left out, with the reason. */
  skipped: { name: string; reason: string }[];
}

const SPAN = `select max(order_date)::varchar as d, max(imported_at)::varchar as through, count(*) as n from orders where workspace_id = $ws`;
const MARK = `select imported_through::varchar as through, refreshed_at::varchar as at, as_of::varchar as as_of, merges as defs
  from insight_watermarks where workspace_id = $ws and name = 'tags'`;

/** Recomputes the rule tags (incrementally unless `full`); `asOf` is the reference day (default: the last order day). */
export async function recomputeTags(app: App, opts: { full?: boolean; asOf?: string } = {}): Promise<RecomputeResult> {
  if (opts.asOf !== undefined && !isDay(opts.asOf)) throw new UserError('bad_date', `--as-of must be a day YYYY-MM-DD, not '${opts.asOf}'.`, `--as-of 必须是日期 YYYY-MM-DD，而不是 '${opts.asOf}'。`);
  await refreshAggregates(app);
  const stored = await storedTags(app);
  const defsNow = await definitionsFingerprint(app);
  const ws = app.workspaceId;
  const w = app.warehouse;
  const [span] = await w.all(SPAN, { ws });
  const asOf = opts.asOf ?? (span.d as string | null) ?? new Date().toISOString().slice(0, 10);
  const [mark] = await w.all(MARK, { ws });
  const full = Boolean(opts.full || !mark || mark.as_of !== asOf || mark.defs !== defsNow);
  const started = (await w.all(`select current_timestamp::timestamp::varchar as t`))[0].t as string;
  const skipped: RecomputeResult['skipped'] = [];
  const rules: { name: string; rule: TagRule }[] = [];
  for (const d of stored.filter((x) => x.kind === 'rule' && x.rule)) {
    const c = checkRule(d.rule);
    if ('problem' in c) skipped.push({ name: d.name, reason: c.problem.en });
    else rules.push({ name: d.name, rule: c.rule });
  }
  const tz = await workspaceTimezone(app);
  const out: Record<string, number> = {};
  let inScope = 0;
  await app.warehouse.transaction(async () => {
    await query(w, SCOPE, 'tagScope', { ws, all: full, since: mark?.through ?? '1970-01-01', at: mark?.at ?? '1970-01-01' });
    inScope = Number((await w.all(`select count(*) as n from insight_tag_scope`))[0].n);
    await w.run(`delete from customer_tags where workspace_id = $ws and source = 'rule' and customer_id in (select customer_id from insight_tag_scope)`, { ws });
    await w.run(`delete from customer_tags where workspace_id = $ws and source = 'rule' and customer_id in (select customer_id from insight_exclusions where workspace_id = $ws and excluded)`, { ws });
    for (const d of rules) {
      const c = compileRule(d.rule);
      await query(w, { duckdb: `insert or ignore into customer_tags (workspace_id, customer_id, tag, source)
        ${FEATURES} select $ws, f.customer_id, $tag, 'rule' from f where ${c.sql}` }, 'tagRule', { ws, tz, asof: asOf, tag: d.name, ...c.params });
    }
    for (const r of await w.all(`select tag, count(*) as n from customer_tags where workspace_id = $ws and ${analysed('customer_id')} group by tag`, { ws })) out[String(r.tag)] = Number(r.n);
    await w.run(`insert or replace into insight_watermarks (workspace_id, name, imported_through, order_count, refreshed_at, as_of, merges)
      values ($ws, 'tags', $through::timestamp, $n, $started::timestamp, $asof::date, $defs)`, { ws, through: span.through ?? null, n: Number(span.n), started, asof: asOf, defs: defsNow });
  });
  return { mode: full ? 'full' : 'incremental', as_of: asOf, customers_in_scope: inScope, tags: out, skipped };
}

const PENDING = `select
    (select max(order_date)::varchar from orders where workspace_id = $ws) as d,
    (select count(*) from orders where workspace_id = $ws and imported_at > $since::timestamp) as orders,
    (select count(*) from customers where workspace_id = $ws and updated_at >= $at::timestamp) as customers,
    (select count(*) from insight_exclusions where workspace_id = $ws and changed_at >= $at::timestamp) as flips`;

/**
 * The hook for loaders (导入、采集之后): brings the rule tags up to date when anything they depend on changed since
 * the last recompute — orders imported, customers created or updated (a collection load's identify), a change of
 * analytics scope, a definition, the reference day — and returns null at the cost of a few counts otherwise.
 * Incremental: only the customers touched are recomputed.
 */
export async function refreshRuleTags(app: App): Promise<RecomputeResult | null> {
  await refreshAggregates(app);
  const ws = app.workspaceId;
  const [mark] = await app.warehouse.all(MARK, { ws });
  if (!mark) return recomputeTags(app);
  const [p] = await app.warehouse.all(PENDING, { ws, since: mark.through ?? '1970-01-01', at: mark.at });
  const asOf = (p.d as string | null) ?? new Date().toISOString().slice(0, 10);
  const idle = Number(p.orders) === 0 && Number(p.customers) === 0 && Number(p.flips) === 0 && asOf === mark.as_of
    && mark.defs === (await definitionsFingerprint(app));
  return idle ? null : recomputeTags(app);
}
