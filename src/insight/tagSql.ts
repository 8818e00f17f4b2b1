import type { TagCondition, TagRule, Field } from '../domain/segments/tags.ts';

/**
 * Compiles a tag rule to a SQL predicate over the feature rows `f` (src/insight/queries/tagFeatures.ts). Only the
 * fixed texts below reach the SQL; every value is a bound parameter ($v0, $v1 …), returned alongside.
 */
const COLUMN: Record<Exclude<Field, 'category_share'>, string> = {
  orders: 'f.orders', gmv: 'f.gmv', spend_12m: 'f.spend_12m', orders_12m: 'f.orders_12m', recency_days: 'f.recency_days',
  tenure_days: 'f.tenure_days', aov: 'f.aov', discount_share: 'f.discount_share', night_share: 'f.night_share',
  gender: 'f.gender', age: 'f.age', city: 'f.city', city_tier: 'f.city_tier', acquisition_channel: 'f.acquisition_channel', member_tier: 'f.member_tier',
};
const OP: Record<string, string> = { '>=': '>=', '>': '>', '<=': '<=', '<': '<', '=': '=', '!=': '<>' };

export function compileRule(rule: TagRule, prefix = 'v'): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  let i = 0;
  const bind = (v: unknown) => {
    const name = `${prefix}${i++}`;
    params[name] = v;
    return `$${name}`;
  };
  const one = (c: TagCondition): string => {
    const col = c.field === 'category_share'
      ? `coalesce((select sum(cs.amount) filter (where cs.category = ${bind(c.category ?? '')}) / nullif(sum(cs.amount), 0) from cat_spend cs where cs.customer_id = f.customer_id), 0)`
      : COLUMN[c.field];
    const typed = (v: unknown) => (typeof v === 'number' ? `${bind(v)}::double` : `${bind(String(v))}::varchar`);
    if (c.op === 'in') {
      const list = Array.isArray(c.value) ? c.value : [c.value];
      return `(${col} in (${list.map(typed).join(', ')}))`;
    }
    return `coalesce(${col} ${OP[c.op]} ${typed(c.value)}, false)`;
  };
  const parts = 'all' in rule ? rule.all.map(one) : rule.any.map(one);
  return { sql: parts.join('all' in rule ? ' and ' : ' or '), params };
}
