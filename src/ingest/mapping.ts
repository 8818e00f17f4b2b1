import { readFileSync, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import iconv from 'iconv-lite';
import { ENTITIES, ENTITY_NAMES, COLUMN_KINDS, canonicalColumns, type Entity } from './canonical.ts';
import { detectEncoding } from './read/encoding.ts';
import { PRESETS } from './presets/index.ts';
import { UserError } from '../errors.ts';

/** A source header, or several (the first non-empty wins). */
const HEADERS = z.union([z.string(), z.array(z.string())], { error: 'expected a header name or a list of header names' });

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
  columns: z.record(z.string(), HEADERS).default({}),
  /** canonical column → strptime format (`%Y%m%d`), or several tried in turn, before the built-in date forms. */
  formats: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).optional(),
  /** canonical column → { source value → canonical value } (e.g. status 交易成功 → completed). */
  values: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /** canonical column → a fixed value for every row (channel, source, openid_app …). */
  constants: z.record(z.string(), z.string()).optional(),
  /** canonical column → template with {row} (data row number), {file} (file name) and {Source Header} fields. */
  templates: z.record(z.string(), z.string()).optional(),
  /** Orders only: several rows per order (Shopify line items); order fields come from the first row carrying them. */
  grain: z.enum(['row', 'line']).optional(),
  /** Orders only: order-line columns taken from the same rows (canonical order_lines column → source header). */
  lines: z.record(z.string(), HEADERS).optional(),
  /** Customers only: extra source columns kept as traits (customers.traits): trait name → source header. */
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
  const m = PRESETS[map] ?? readMappingFile(map, cwd);
  if (m.entity && m.entity !== entity) {
    const fit = presetsFor(entity);
    const hint = fit.length ? ` Presets for ${entity}: ${fit.join(', ')}.` : '';
    const hintZh = fit.length ? `适用于 ${entity} 的预设映射：${fit.join('、')}。` : '';
    throw new UserError('mapping_entity', `The mapping '${map}' is for ${m.entity}, not ${entity}.${hint}`, `映射 '${map}' 用于 ${m.entity}，而不是 ${entity}。${hintZh}`);
  }
  checkColumns(m, entity);
  return m;
}

/** The names of the presets for an entity. */
export function presetsFor(entity: Entity): string[] {
  return Object.entries(PRESETS).filter(([, p]) => p.entity === entity).map(([name]) => name);
}

/**
 * A mapping file as an operator saves it: UTF-8 with or without BOM, or what Windows Notepad writes as "ANSI" (GBK on
 * a Chinese system) or "Unicode" (UTF-16) — decoded like the data files, so Chinese headers match.
 */
function readMappingFile(map: string, cwd: string): Mapping {
  const path = resolve(cwd, map);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new UserError('mapping_not_found', `'${map}' is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a mapping file.`, `'${map}' 既不是预设映射（${Object.keys(PRESETS).join('、')}），也不是映射文件。`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(iconv.decode(readFileSync(path), detectEncoding(path)));
  } catch (e) {
    throw new UserError('mapping_invalid', `The mapping file ${map} is not valid JSON: ${(e as Error).message}`, `映射文件 ${map} 不是有效的 JSON：${(e as Error).message}`);
  }
  const parsed = MappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.join('.');
    throw invalid(map, at, issue.message, issue.message);
  }
  const m = parsed.data;
  for (const [c, f] of Object.entries(m.formats ?? {})) {
    const bad = [f].flat().map(badFormatSpecifier).find((b) => b !== null);
    if (bad) throw invalid(map, `formats.${c}`, `'${bad}' is not a date format specifier (use %Y %m %d %H %M %S …, docs/import.md)`, `'${bad}' 不是日期格式符（可用 %Y %m %d %H %M %S …，见 docs/import.md）`);
  }
  return m;
}

function invalid(map: string, at: string, why: string, whyZh: string): UserError {
  return new UserError('mapping_invalid', `The mapping file ${map} is invalid at '${at}': ${why}`, `映射文件 ${map} 在 '${at}' 处无效：${whyZh}`);
}

/** The strptime specifiers DuckDB reads (%Y, %-d …): anything else makes the whole import fail, so it is refused here. */
const FORMAT_SPECIFIER = /%(-?[djmyHIMS]|[abcfghnpuwxzABGTUVWXYZ%])/g;

/** The first specifier of a strptime format DuckDB would refuse, or null. */
export function badFormatSpecifier(format: string): string | null {
  const rest = format.replace(FORMAT_SPECIFIER, '');
  const i = rest.indexOf('%');
  return i < 0 ? null : rest.slice(i, i + 2);
}

/** What a `lines` mapping may fill: an order line's columns (its order id and number come from the order's rows). */
const ORDER_LINE_COLUMNS: readonly string[] = ENTITIES.order_lines.columns;
const DATE_KINDS = new Set(['timestamp', 'date', 'birthday']);

/**
 * Every canonical column a mapping names must exist for the entity — in columns, constants, templates, values and
 * formats alike — so a typo is an error that names it, never a setting silently ignored.
 */
function checkColumns(m: Mapping, entity: Entity): void {
  const known = new Set([...canonicalColumns(entity), 'source']);
  const lines = Object.keys(m.lines ?? {});
  const unknown = [
    ...Object.keys(m.columns), ...Object.keys(m.constants ?? {}), ...Object.keys(m.templates ?? {}),
    ...Object.keys(m.values ?? {}).filter((c) => !(c.startsWith('line_') && lines.includes(c.slice(5)))),
    ...Object.keys(m.formats ?? {}),
  ].filter((c) => !known.has(c));
  if (unknown.length) {
    throw new UserError('mapping_column', `The mapping names column(s) ${[...new Set(unknown)].join(', ')} that ${entity} does not have (see docs/import.md).`, `映射中的列 ${[...new Set(unknown)].join('、')} 不属于 ${entity}（见 docs/import.md）。`);
  }
  const notDates = Object.keys(m.formats ?? {}).filter((c) => !DATE_KINDS.has(COLUMN_KINDS[c] ?? 'text'));
  if (notDates.length) {
    throw new UserError('mapping_column', `The mapping gives a date format to ${notDates.join(', ')}, which is not a date/time column.`, `映射为 ${notDates.join('、')} 指定了日期格式，但它不是日期/时间列。`);
  }
  if ((m.grain === 'line' || m.lines) && entity !== 'orders') {
    throw new UserError('mapping_column', `'grain' and 'lines' apply to orders only, not ${entity}.`, `'grain' 和 'lines' 仅适用于 orders，不适用于 ${entity}。`);
  }
  const badLines = lines.filter((c) => !ORDER_LINE_COLUMNS.includes(c));
  if (badLines.length) {
    throw new UserError('mapping_column', `The mapping's lines name column(s) ${badLines.join(', ')}; order lines take ${ORDER_LINE_COLUMNS.join(', ')}.`, `映射的 lines 中的列 ${badLines.join('、')} 无效；订单明细可用：${ORDER_LINE_COLUMNS.join('、')}。`);
  }
  if (m.traits && Object.keys(m.traits).length && entity !== 'customers') {
    throw new UserError('mapping_column', `'traits' apply to customers only, not ${entity} (for events, map a JSON column to properties).`, `'traits' 仅适用于 customers，不适用于 ${entity}（事件请把 JSON 列映射到 properties）。`);
  }
}
