import type { Warehouse } from '../../store/interfaces.ts';
import { query } from './query.ts';

/**
 * One customer's portrait (客户画像): attributes with masked identifiers only, tags, current consent per purpose,
 * order aggregates, top categories and brands, preferred channel and local hour, price sensitivity and the latest
 * orders and events (timeline). No ciphertext is read: nothing here needs a pii.read audit.
 */
const PROFILE = {
  duckdb: `select c.id, c.status, c.name_masked, c.gender, c.birth_year, c.province, c.city, c.city_tier, c.acquisition_channel,
      c.acquired_at::varchar as acquired_at, c.registered_at::varchar as registered_at, c.member_tier, c.owner_staff_code, c.home_store_code,
      a.first_order_date::varchar as first_order_date, a.last_order_date::varchar as last_order_date, a.orders, a.order_days,
      a.gmv::double as gmv, a.discounts::double as discounts, a.refunds::double as refunds
    from customers c left join insight_customer_agg a on a.workspace_id = c.workspace_id and a.customer_id = c.id
    where c.workspace_id = $ws and c.id = $id`,
};
const IDENTIFIERS = { duckdb: `select id_type, id_masked from customer_identifiers where workspace_id = $ws and customer_id = $id order by id_type, id_masked` };
const TAGS = { duckdb: `select tag, source from customer_tags where workspace_id = $ws and customer_id = $id order by tag` };
const CONSENT = {
  duckdb: `select purpose, arg_max(status, changed_at) as status, max(changed_at)::varchar as changed_at from consents
    where workspace_id = $ws and customer_id = $id group by purpose order by purpose`,
};
const PREFERENCES = {
  duckdb: `with o as (select * from orders where workspace_id = $ws and customer_id = $id and status <> 'cancelled')
    select 'channel' as kind, coalesce(channel, 'unknown') as value, count(*) as n, sum(gross_amount)::double as amount from o group by all
    union all select 'hour', hour(timezone($tz, timezone('UTC', ordered_at)))::varchar, count(*), sum(gross_amount)::double from o group by all
    union all select 'discounted', (discount_amount > 0 or coupon_code is not null)::varchar, count(*), sum(gross_amount)::double from o group by all
    union all select 'category', coalesce(p.category, 'unknown'), count(distinct l.order_id), sum(l.amount)::double
      from o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id left join products p on p.workspace_id = l.workspace_id and p.sku = l.sku group by all
    union all select 'brand', coalesce(p.brand, 'unknown'), count(distinct l.order_id), sum(l.amount)::double
      from o join order_lines l on l.workspace_id = o.workspace_id and l.order_id = o.order_id left join products p on p.workspace_id = l.workspace_id and p.sku = l.sku group by all
    order by 1, 4 desc, 3 desc, 2`,
};
const TIMELINE = {
  duckdb: `select * from (
      select ordered_at::varchar as ts, 'order' as kind, order_id as ref, channel, gross_amount::double as amount, status from orders where workspace_id = $ws and customer_id = $id
      union all
      select occurred_at::varchar, type, coalesce(properties->>'sku', (properties->>'content_id'), (properties->>'group_id'), (properties->>'campaign_id')), (properties->>'channel'), null, null
      from events where workspace_id = $ws and customer_id = $id and type <> 'order'
    ) order by ts desc limit $limit::integer`,
};

export async function customerProfile(w: Warehouse, p: Record<string, unknown>) {
  const [profile] = await query(w, PROFILE, 'customerProfile', p);
  if (!profile) return null;
  const [ids, tags, consent, prefs, timeline] = await Promise.all([
    query(w, IDENTIFIERS, 'customerIdentifiers', p), query(w, TAGS, 'customerTags', p), query(w, CONSENT, 'customerConsent', p),
    query(w, PREFERENCES, 'customerPreferences', p), query(w, TIMELINE, 'customerTimeline', p),
  ]);
  return { profile, ids, tags, consent, prefs, timeline };
}
