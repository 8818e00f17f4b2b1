import { z } from 'zod';

/**
 * Tag rules (标签规则): declarative conditions over a customer's attributes, behaviour and aggregates. A rule is
 * { all: [condition, …] } (every condition holds) or { any: [...] }; a condition names a field from FIELDS, an
 * operator from OPS and a value. Rules are compiled to SQL against a fixed column per field, values bound as
 * parameters (src/insight/tags.ts), so a rule can never inject SQL.
 */
export const FIELDS = {
  orders: 'orders, all time',
  gmv: 'spend (GMV), all time',
  spend_12m: 'spend in the 12 months up to the reference day',
  orders_12m: 'orders in the 12 months up to the reference day',
  recency_days: 'days since the last order',
  tenure_days: 'days since the first order',
  aov: 'average order value',
  discount_share: 'share of orders with a discount or coupon (0–1)',
  night_share: 'share of orders placed 22:00–04:59 local time (0–1)',
  category_share: 'share of line spend in `category` (0–1)',
  gender: 'male | female | unknown',
  age: 'age in years at the reference day',
  city: 'city',
  city_tier: 'city tier',
  acquisition_channel: 'acquisition channel',
  member_tier: 'member tier as imported',
} as const;
export type Field = keyof typeof FIELDS;
export const OPS = ['>=', '>', '<=', '<', '=', '!=', 'in'] as const;

export const conditionSchema = z.object({
  field: z.enum(Object.keys(FIELDS) as [Field, ...Field[]]),
  op: z.enum(OPS),
  value: z.union([z.number(), z.string(), z.array(z.union([z.number(), z.string()]))]),
  category: z.string().optional(),
});
export const ruleSchema = z.union([
  z.object({ all: z.array(conditionSchema).min(1) }),
  z.object({ any: z.array(conditionSchema).min(1) }),
]);
export type TagCondition = z.infer<typeof conditionSchema>;
export type TagRule = z.infer<typeof ruleSchema>;

/** Tags every workspace starts with; operators can redefine them. */
export const BUILTIN_TAGS: { name: string; description: string; rule: TagRule }[] = [
  { name: '高价值', description: 'High value: 12-month spend ≥ 2000', rule: { all: [{ field: 'spend_12m', op: '>=', value: 2000 }] } },
  { name: '价格敏感', description: 'Price sensitive: ≥ 2 orders, at least half with a discount or coupon', rule: { all: [{ field: 'orders', op: '>=', value: 2 }, { field: 'discount_share', op: '>=', value: 0.5 }] } },
  { name: '母婴偏好', description: 'Mother & baby preference: ≥ 30% of line spend in 母婴', rule: { all: [{ field: 'category_share', category: '母婴', op: '>=', value: 0.3 }] } },
  { name: '夜猫子', description: 'Night owl: ≥ 2 orders, at least half placed 22:00–04:59', rule: { all: [{ field: 'orders', op: '>=', value: 2 }, { field: 'night_share', op: '>=', value: 0.5 }] } },
];
