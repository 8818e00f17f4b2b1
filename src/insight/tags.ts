import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { BUILTIN_TAGS, ruleSchema, type TagRule } from '../domain/segments/tags.ts';
import { isDay } from '../domain/metrics/periods.ts';
import { refreshAggregates } from './aggregates.ts';
import { compileRule } from './tagSql.ts';
import { query } from './queries/query.ts';
import { workspaceTimezone } from './timezone.ts';

/**
 * 标签: rule tags recomputed incrementally (customers with orders imported or profile changes since the last run;
 * everyone when a definition changed or the reference day moved), and manual tags, which rules never touch.
 */
const SCOPE = {
  duckdb: `create or replace temp table insight_tag_scope as
    select id as customer_id from customers
    where workspace_id = $ws and status in ('active', 'restricted')
      and ($all or updated_at >= $since::timestamp
        or id in (select customer_id from orders where workspace_id = $ws and imported_at >= $since::timestamp))`,
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

async function ensureBuiltins(app: App): Promise<void> {
  for (const t of BUILTIN_TAGS) {
    await app.warehouse.run(`insert or ignore into tag_definitions (workspace_id, name, kind, rule, description) values ($ws, $n, 'rule', $r::json, $d)`,
      { ws: app.workspaceId, n: t.name, r: JSON.stringify(t.rule), d: t.description });
  }
}

export async function listTags(app: App): Promise<TagDefinition[]> {
  await ensureBuiltins(app);
  const rows = await app.warehouse.all(`select d.name, d.kind, d.rule::varchar as rule, d.description, count(t.customer_id) as customers
    from tag_definitions d left join customer_tags t on t.workspace_id = d.workspace_id and t.tag = d.name
    where d.workspace_id = $ws group by all order by d.name`, { ws: app.workspaceId });
  return rows.map((r) => ({ name: String(r.name), kind: r.kind as 'rule' | 'manual', rule: r.rule ? JSON.parse(String(r.rule)) : null, description: (r.description as string) ?? null, customers: Number(r.customers) }));
}

/** Defines (or redefines) a tag: a rule tag with a rule, a manual tag without. */
export async function defineTag(app: App, name: string, rule: unknown, description?: string): Promise<void> {
  if (!name.trim() || name.length > 64) throw new UserError('bad_tag', 'A tag name is 1–64 characters.', '标签名需 1–64 个字符。');
  let parsed: TagRule | null = null;
  if (rule !== undefined && rule !== null) {
    const r = ruleSchema.safeParse(rule);
    if (!r.success) throw new UserError('bad_rule', `The tag rule is not valid: ${r.error.issues[0]?.message}`, `标签规则无效：${r.error.issues[0]?.message}`);
    parsed = r.data;
  }
  await app.warehouse.run(`insert or replace into tag_definitions (workspace_id, name, kind, rule, description, updated_at)
    values ($ws, $n, $k, $r::json, $d, current_timestamp)`, { ws: app.workspaceId, n: name, k: parsed ? 'rule' : 'manual', r: parsed ? JSON.stringify(parsed) : null, d: description ?? null });
}

/** Adds (or removes) a manual tag on customers. */
export async function tagCustomers(app: App, tag: string, customerIds: number[], remove = false): Promise<number> {
  await app.warehouse.transaction(async () => {
    await app.warehouse.run(`insert or ignore into tag_definitions (workspace_id, name, kind) values ($ws, $n, 'manual')`, { ws: app.workspaceId, n: tag });
    for (const id of customerIds) {
      await app.warehouse.run(remove
        ? `delete from customer_tags where workspace_id = $ws and customer_id = $id and tag = $t`
        : `insert or replace into customer_tags (workspace_id, customer_id, tag, source) values ($ws, $id, $t, 'manual')`, { ws: app.workspaceId, id, t: tag });
    }
  });
  return customerIds.length;
}

export interface RecomputeResult { mode: 'full' | 'incremental'; as_of: string; customers_in_scope: number; tags: Record<string, number> }

/** Recomputes the rule tags (incrementally unless `full`); `asOf` is the reference day (default: the last order day). */
export async function recomputeTags(app: App, opts: { full?: boolean; asOf?: string } = {}): Promise<RecomputeResult> {
  if (opts.asOf !== undefined && !isDay(opts.asOf)) throw new UserError('bad_date', `--as-of must be a day YYYY-MM-DD, not '${opts.asOf}'.`, `--as-of 必须是日期 YYYY-MM-DD，而不是 '${opts.asOf}'。`);
  await refreshAggregates(app);
  await ensureBuiltins(app);
  const ws = app.workspaceId;
  const w = app.warehouse;
  const [span] = await w.all(`select max(order_date)::varchar as d, max(imported_at)::varchar as through, count(*) as n from orders where workspace_id = $ws`, { ws });
  const asOf = opts.asOf ?? (span.d as string | null) ?? new Date().toISOString().slice(0, 10);
  const [mark] = await w.all(`select imported_through::varchar as through, refreshed_at::varchar as at, as_of::varchar as as_of from insight_watermarks where workspace_id = $ws and name = 'tags'`, { ws });
  const [changed] = await w.all(`select count(*) as n from tag_definitions where workspace_id = $ws and updated_at >= $at::timestamp`, { ws, at: mark?.at ?? '1970-01-01' });
  const full = Boolean(opts.full || !mark || mark.as_of !== asOf || Number(changed.n) > 0);
  const started = (await w.all(`select current_timestamp::timestamp::varchar as t`))[0].t as string;
  const defs = (await listTags(app)).filter((d) => d.kind === 'rule' && d.rule);
  const tz = await workspaceTimezone(app);
  const out: Record<string, number> = {};
  let inScope = 0;
  await app.warehouse.transaction(async () => {
    await query(w, SCOPE, 'tagScope', { ws, all: full, since: mark?.through ?? '1970-01-01' });
    inScope = Number((await w.all(`select count(*) as n from insight_tag_scope`))[0].n);
    await w.run(`delete from customer_tags where workspace_id = $ws and source = 'rule' and customer_id in (select customer_id from insight_tag_scope)`, { ws });
    for (const d of defs) {
      const c = compileRule(d.rule!);
      await query(w, { duckdb: `insert or ignore into customer_tags (workspace_id, customer_id, tag, source)
        ${FEATURES} select $ws, f.customer_id, $tag, 'rule' from f where ${c.sql}` }, 'tagRule', { ws, tz, asof: asOf, tag: d.name, ...c.params });
    }
    for (const r of await w.all(`select tag, count(*) as n from customer_tags where workspace_id = $ws group by tag`, { ws })) out[String(r.tag)] = Number(r.n);
    await w.run(`insert or replace into insight_watermarks (workspace_id, name, imported_through, order_count, refreshed_at, as_of)
      values ($ws, 'tags', $through::timestamp, $n, $started::timestamp, $asof::date)`, { ws, through: span.through ?? null, n: Number(span.n), started, asof: asOf });
  });
  return { mode: full ? 'full' : 'incremental', as_of: asOf, customers_in_scope: inScope, tags: out };
}
