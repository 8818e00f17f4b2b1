/**
 * Event schemas (事件校验): per event name, the properties it must carry and their JSON types. A violation is a
 * short, stable text ("missing sku", "price is string, not number") so that violations can be counted per kind.
 */
export type PropType = 'string' | 'number' | 'boolean' | 'object' | 'array';
export const PROP_TYPES: PropType[] = ['string', 'number', 'boolean', 'object', 'array'];

export interface EventSchema {
  required: string[];
  types: Record<string, PropType>;
}

function typeOf(v: unknown): PropType | 'null' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as PropType;
}

export function schemaProblems(schema: EventSchema, props: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const k of schema.required) if (props[k] === undefined || props[k] === null || props[k] === '') out.push(`missing ${k}`);
  for (const [k, want] of Object.entries(schema.types)) {
    const v = props[k];
    if (v === undefined || v === null) continue;
    const got = typeOf(v);
    if (got !== want) out.push(`${k} is ${got}, not ${want}`);
  }
  return out;
}

/** `--required sku,price --types sku:string,price:number` → a schema; throws on an unknown type. */
export function parseSchemaSpec(required: string | undefined, types: string | undefined): EventSchema {
  const t: Record<string, PropType> = {};
  for (const pair of (types ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = pair.split(':').map((s) => s.trim());
    if (!k || !PROP_TYPES.includes(v as PropType)) throw new Error(`'${pair}' is not name:type with type one of ${PROP_TYPES.join(', ')}`);
    t[k] = v as PropType;
  }
  return { required: (required ?? '').split(',').map((s) => s.trim()).filter(Boolean), types: t };
}
