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

/** Fields compared as numbers; the shares are fractions 0–1. Every other field is text. */
export const NUMERIC_FIELDS: ReadonlySet<Field> = new Set(['orders', 'gmv', 'spend_12m', 'orders_12m', 'recency_days', 'tenure_days', 'aov', 'discount_share', 'night_share', 'category_share', 'age']);
const SHARE_FIELDS: ReadonlySet<Field> = new Set(['discount_share', 'night_share', 'category_share']);
const GENDERS = ['male', 'female', 'unknown'];
const TEXT_OPS = new Set(['=', '!=', 'in']);
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/** Why a rule is refused, in English and 中文. */
export interface RuleProblem { en: string; zh: string }

/**
 * A rule checked against each field's type (定义时校验): numeric fields take numbers (a plain number written as text,
 * "2000", is read as one), shares 0–1; text fields take text and only `=`, `!=`, `in`; `gender` is male, female or
 * unknown; `in` takes a non-empty list, the other operators one value; `category_share` names its category. Returns
 * the rule with numbers as numbers, or the first problem — so a stored rule always compiles (src/insight/tagSql.ts).
 */
export function checkRule(raw: unknown): { rule: TagRule } | { problem: RuleProblem } {
  const parsed = ruleSchema.safeParse(raw);
  if (!parsed.success) {
    const m = parsed.error.issues[0]?.message ?? 'invalid';
    return { problem: { en: `The tag rule is not valid: ${m}`, zh: `标签规则无效：${m}` } };
  }
  const list = 'all' in parsed.data ? parsed.data.all : parsed.data.any;
  const out: TagCondition[] = [];
  for (const [i, c] of list.entries()) {
    const at = (en: string, zh: string): { problem: RuleProblem } => ({ problem: { en: `The tag rule is not valid: condition ${i + 1} (${c.field}) ${en}`, zh: `标签规则无效：第 ${i + 1} 个条件（${c.field}）${zh}` } });
    const values = Array.isArray(c.value) ? c.value : [c.value];
    if (c.op === 'in' && values.length === 0) return at('needs at least one value for in.', 'in 至少需要一个值。');
    if (c.op !== 'in' && Array.isArray(c.value)) return at(`takes one value with ${c.op}; use in for a list.`, `使用 ${c.op} 时只能有一个值；列表请用 in。`);
    const shown = (v: unknown) => JSON.stringify(v).slice(0, 60);
    let typed: (number | string)[];
    if (NUMERIC_FIELDS.has(c.field)) {
      typed = [];
      for (const v of values) {
        const x = typeof v === 'number' ? v : PLAIN_NUMBER.test(v.trim()) ? Number(v.trim()) : NaN;
        if (!Number.isFinite(x) || Math.abs(x) > 1e12) return at(`takes a number, not ${shown(v)}.`, `需要数字，而不是 ${shown(v)}。`);
        if (SHARE_FIELDS.has(c.field) && (x < 0 || x > 1)) return at(`is a share from 0 to 1, not ${x}.`, `是 0 到 1 之间的比例，而不是 ${x}。`);
        typed.push(x);
      }
      if (c.field === 'category_share' && !c.category?.trim()) return at('needs its category ("category": "母婴").', '需要指定品类（"category": "母婴"）。');
    } else {
      if (!TEXT_OPS.has(c.op)) return at(`is text: compare it with =, != or in, not ${c.op}.`, `是文本字段，只能用 =、!= 或 in，不能用 ${c.op}。`);
      if (values.some((v) => typeof v !== 'string' || v.length > 200)) return at(`takes text (at most 200 characters), not ${shown(values.find((v) => typeof v !== 'string' || v.length > 200))}.`, `需要文本（最多 200 个字符）。`);
      typed = values;
      if (c.field === 'gender' && values.some((v) => !GENDERS.includes(String(v)))) return at(`is one of ${GENDERS.join(', ')}.`, `只能是 ${GENDERS.join('、')} 之一。`);
    }
    out.push({ ...c, value: Array.isArray(c.value) ? typed : typed[0] });
  }
  return { rule: 'all' in parsed.data ? { all: out } : { any: out } };
}

/** Tags every workspace starts with; operators can redefine them. */
export const BUILTIN_TAGS: { name: string; description: string; rule: TagRule }[] = [
  { name: '高价值', description: 'High value: 12-month spend ≥ 2000', rule: { all: [{ field: 'spend_12m', op: '>=', value: 2000 }] } },
  { name: '价格敏感', description: 'Price sensitive: ≥ 2 orders, at least half with a discount or coupon', rule: { all: [{ field: 'orders', op: '>=', value: 2 }, { field: 'discount_share', op: '>=', value: 0.5 }] } },
  { name: '母婴偏好', description: 'Mother & baby preference: ≥ 30% of line spend in 母婴', rule: { all: [{ field: 'category_share', category: '母婴', op: '>=', value: 0.3 }] } },
  { name: '夜猫子', description: 'Night owl: ≥ 2 orders, at least half placed 22:00–04:59', rule: { all: [{ field: 'orders', op: '>=', value: 2 }, { field: 'night_share', op: '>=', value: 0.5 }] } },
];
