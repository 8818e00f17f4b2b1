import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ENTITY_NAMES, canonicalColumns, type Entity } from './canonical.ts';
import { PRESETS } from './presets/index.ts';
import { UserError } from '../errors.ts';

/**
 * A mapping (字段映射) says how a source file's headers become canonical columns. Presets (src/ingest/presets) and
 * user mapping files (JSON, see docs/import.md) share this shape.
 */
export const MappingSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  entity: z.enum(ENTITY_NAMES as [Entity, ...Entity[]]).optional(),
  format: z.object({
    type: z.enum(['csv', 'tsv', 'whitespace', 'xlsx', 'jsonl', 'parquet']).optional(),
    header: z.boolean().optional(),
    delimiter: z.string().max(4).optional(),
    encoding: z.enum(['auto', 'utf8', 'gbk', 'gb18030', 'utf16', 'utf16le', 'utf16be']).optional(),
    sheet: z.string().optional(),
    /** Column names when the file has no header row. */
    names: z.array(z.string()).optional(),
  }).strict().optional(),
  /** canonical column → source header, or several headers (the first non-empty wins). */
  columns: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  /** canonical column → strptime format (`%Y%m%d`), tried before the built-in date forms. */
  formats: z.record(z.string(), z.string()).optional(),
  /** canonical column → { source value → canonical value } (e.g. status 交易成功 → completed). */
  values: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /** canonical column → a fixed value for every row (channel, source, openid_app …). */
  constants: z.record(z.string(), z.string()).optional(),
  /** canonical column → template with {row} (data row number), {file} (file name) and {Source Header} fields. */
  templates: z.record(z.string(), z.string()).optional(),
  /** Orders only: several rows per order (Shopify line items); order fields come from the first row carrying them. */
  grain: z.enum(['row', 'line']).optional(),
  /** Orders only: order-line columns taken from the same rows (canonical order_lines column → source header). */
  lines: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  /** Extra source columns kept as traits (customers) or properties (events): trait name → source header. */
  traits: z.record(z.string(), z.string()).optional(),
  /**
   * Source columns of a sensitive class (PIPL art. 28): header → health | religion | biometric | financial (bank card)
   * | location (precise) | minor | id_card. Refused unless the workspace records the purpose `sensitive_<class>`.
   */
  sensitive: z.record(z.string(), z.enum(['health', 'religion', 'biometric', 'financial', 'location', 'minor', 'id_card', 'bank_card', 'biometrics', 'minors'])).optional(),
}).strict();

export type Mapping = z.infer<typeof MappingSchema>;

/** A preset by name, a mapping file by path, or the identity mapping (canonical headers) when none is given. */
export function loadMapping(entity: Entity, map: string | undefined, cwd = process.cwd()): Mapping {
  if (!map) return { columns: {} };
  const preset = PRESETS[map];
  let m: Mapping;
  if (preset) m = preset;
  else {
    const path = resolve(cwd, map);
    if (!existsSync(path)) {
      throw new UserError('mapping_not_found', `'${map}' is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a mapping file.`, `'${map}' 既不是预设映射（${Object.keys(PRESETS).join('、')}），也不是映射文件。`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new UserError('mapping_invalid', `The mapping file ${map} is not valid JSON: ${(e as Error).message}`, `映射文件 ${map} 不是有效的 JSON：${(e as Error).message}`);
    }
    const parsed = MappingSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const at = issue.path.join('.');
      throw new UserError('mapping_invalid', `The mapping file ${map} is invalid at '${at}': ${issue.message}`, `映射文件 ${map} 在 '${at}' 处无效：${issue.message}`);
    }
    m = parsed.data;
  }
  if (m.entity && m.entity !== entity) {
    throw new UserError('mapping_entity', `The mapping '${map}' is for ${m.entity}, not ${entity}.`, `映射 '${map}' 用于 ${m.entity}，而不是 ${entity}。`);
  }
  const known = new Set([...canonicalColumns(entity), 'source']);
  const unknown = [...Object.keys(m.columns), ...Object.keys(m.constants ?? {}), ...Object.keys(m.templates ?? {})].filter((c) => !known.has(c));
  if (unknown.length) {
    throw new UserError('mapping_column', `The mapping names column(s) ${unknown.join(', ')} that ${entity} does not have (see docs/import.md).`, `映射中的列 ${unknown.join('、')} 不属于 ${entity}（见 docs/import.md）。`);
  }
  return m;
}
