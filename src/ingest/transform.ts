import type { Warehouse } from '../store/interfaces.ts';
import { COLUMN_KINDS, REQUIRED_COLUMNS, canonicalColumns, IDENTIFIER_COLUMNS, type Entity, type ColumnKind } from './canonical.ts';
import type { Mapping } from './mapping.ts';
import { dropStaged, type StagedFile } from './read/stage.ts';
import { UserError } from '../errors.ts';
import { PURPOSES } from '../domain/privacy/consent.ts';
import { presetMatching } from './presets/index.ts';

/**
 * Mapping + coercion as one set-based statement: an inner select (`m`) gives each canonical column as cleaned text
 * (source headers renamed, constants and templates filled in, value maps applied); `<p>_rows` holds those, the
 * typed values (`t_<column>`) and `_errors`, the list of "column: reason" for rows to reject.
 */
export interface Transformed {
  /** Canonical columns present in this file (mapped, constant or templated). */
  present: Set<string>;
  /** Order-line columns present (orders with `lines`). */
  linePresent: Set<string>;
}

const norm = (h: string) => h.trim().toLowerCase();

/** Only the parameters a statement names (DuckDB refuses unused ones). */
function used(sql: string, params: Record<string, unknown>): Record<string, unknown> {
  const names = new Set([...sql.matchAll(/\$([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(params).filter(([k]) => names.has(k)));
}

/** Each header's columns (1-based): a header written twice (Youzan's 分销员) names both, read first non-empty first. */
function headerIndex(headers: string[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  headers.forEach((h, i) => m.set(norm(h), [...(m.get(norm(h)) ?? []), i + 1]));
  return m;
}

export async function transform(db: Warehouse, p: string, staged: StagedFile, entity: Entity, mapping: Mapping, o: { file: string; tz: string; preset: boolean }): Promise<Transformed> {
  const idx = headerIndex(staged.headers);
  const params: Record<string, unknown> = { tz: o.tz };
  let n = 0;
  const param = (v: unknown) => {
    const k = `p${n++}`;
    params[k] = v;
    return `$${k}`;
  };
  const sourcesOf = (spec: string | string[] | undefined, canonical: string): string[] => {
    const names = spec === undefined ? [canonical] : Array.isArray(spec) ? spec : [spec];
    return names.flatMap((h) => idx.get(norm(h)) ?? []).map((i) => `siyu_clean(c${i})`);
  };
  const missing: string[] = [];
  /** Headers a template names that the file lacks: a mapping file's template would fill them with '' silently. */
  const templateMissing: string[] = [];
  const rawExpr = (c: string, spec: string | string[] | undefined): string | null => {
    const tpl = mapping.templates?.[c];
    if (tpl !== undefined) return templateExpr(tpl);
    const srcs = sourcesOf(spec, c);
    if (!srcs.length && spec !== undefined) missing.push(...(Array.isArray(spec) ? spec : [spec]));
    const constant = mapping.constants?.[c];
    if (constant !== undefined) srcs.push(param(constant));
    if (!srcs.length) return null;
    let e = srcs.length === 1 ? srcs[0] : `coalesce(${srcs.join(', ')})`;
    const vmap = mapping.values?.[c];
    if (vmap) e = `coalesce(${param(Object.values(vmap))}[list_position(${param(Object.keys(vmap))}, ${e})], ${e})`;
    return e;
  };
  const templateExpr = (tpl: string): string => {
    const parts = tpl.split(/(\{[^}]+\})/).filter(Boolean).map((part) => {
      if (!part.startsWith('{')) return param(part);
      const name = part.slice(1, -1);
      if (name === 'row') return `_line::varchar`;
      if (name === 'file') return param(o.file);
      const cols = idx.get(norm(name));
      if (!cols) {
        missing.push(name);
        templateMissing.push(name);
      }
      return cols ? `coalesce(${cols.map((i) => `siyu_clean(c${i})`).join(', ')}, '')` : `''`;
    });
    return `nullif(trim(concat(${parts.join(', ')})), '')`;
  };

  const present = new Set<string>();
  const select: string[] = ['_row', '_line'];
  for (const c of [...canonicalColumns(entity), 'source']) {
    if (select.some((s) => s.endsWith(` as ${c}`))) continue;
    const e = rawExpr(c, mapping.columns[c]);
    if (e) {
      present.add(c);
      select.push(`${e} as ${c}`);
    }
  }
  const linePresent = new Set<string>();
  for (const [c, spec] of Object.entries(mapping.lines ?? {})) {
    const e = rawExpr(`line_${c}`, spec);
    if (e) {
      linePresent.add(c);
      select.push(`${e} as line_${c}`);
    }
  }
  // Sensitive columns (art. 28) never become traits: checkSensitiveColumns has refused or allowed the file, and
  // their values stay out of the store until a sensitive-data store exists.
  const sensitive = new Set(Object.keys(mapping.sensitive ?? {}).map(norm));
  const traits = Object.entries(mapping.traits ?? {}).filter(([, h]) => idx.has(norm(h)) && !sensitive.has(norm(h)));
  if (traits.length) present.add('_traits');
  // Only the cells with a value: an empty one says nothing about the trait (a JSON null would delete it when merged).
  if (traits.length) {
    const entries = traits.map(([k, h]) => `{'k': ${param(k)}, 'v': coalesce(${idx.get(norm(h))!.map((i) => `siyu_clean(c${i})`).join(', ')})}`).join(', ');
    select.push(`nullif(to_json(map_from_entries(list_filter([${entries}], e -> e.v is not null))), '{}'::json) as _traits`);
  }
  if (templateMissing.length && !o.preset) {
    const names = [...new Set(templateMissing)].map((h) => `{${h}}`);
    throw new UserError('mapping_headers', `The mapping's templates name ${names.join(', ')}, which ${names.length > 1 ? 'are not headers' : 'is not a header'} of ${o.file}; its headers are: ${staged.headers.slice(0, 12).join(', ')}.`,
      `映射的模板引用了 ${names.join('、')}，但 ${o.file} 中没有该列；文件的列为：${staged.headers.slice(0, 12).join('、')}。`);
  }
  if (missing.length && !o.preset && !present.size) {
    throw new UserError('mapping_headers', `None of the mapped headers are in ${o.file} (missing: ${missing.slice(0, 5).join(', ')}); its headers are: ${staged.headers.slice(0, 12).join(', ')}.`, `${o.file} 中没有映射所指定的列（缺少：${missing.slice(0, 5).join('、')}）；文件的列为：${staged.headers.slice(0, 12).join('、')}。`);
  }
  // The mapped text columns, as a subquery of the typed statement (one pass, nothing materialised in between).
  let mSub = `select ${select.join(', ')} from ${staged.table}`;
  if (mapping.grain === 'line' && present.has('order_id')) {
    // Continuation rows (Shopify line items) carry only the order id: fill the order's fields from its rows.
    const fill = [...present].filter((c) => c !== 'order_id').map((c) => `coalesce(${c}, first_value(${c} ignore nulls) over w) as ${c}`);
    if (fill.length) mSub = `select * replace (${fill.join(', ')}) from (${mSub}) window w as (partition by order_id order by _row rows between unbounded preceding and unbounded following)`;
  }

  // Typed columns and reasons.
  const typed: string[] = ['m.*'];
  const errors: string[] = [];
  const localDays: string[] = [];
  const fmt = (c: string, v = `m.${c}`) => (mapping.formats?.[c] ? `coalesce(try_strptime(${v}, ${param(mapping.formats[c])}), siyu_local_ts(${v}))` : `siyu_local_ts(${v})`);
  const cols = [...present].concat([...linePresent].map((c) => `line_${c}`));
  for (const c of cols) {
    const kind: ColumnKind = entity === 'consents' && c === 'status' ? 'consent_status' : COLUMN_KINDS[c.startsWith('line_') && linePresent.has(c.slice(5)) ? c.slice(5) : c] ?? 'text';
    const t = typedExpr(kind, c, fmt(c));
    if (!t) continue;
    typed.push(`${t} as t_${c}`);
    if (kind === 'timestamp' && (c === 'ordered_at' || c === 'occurred_at')) localDays.push(`siyu_local_day(${c}, ${fmt(c, c)}, t_${c}, $tz) as d_${c}`);
    if (!['province', 'city', 'name'].includes(kind)) errors.push(`case when m.${c} is not null and (${t}) is null then '${c}: not ${article(kind)}' end`);
  }
  const absent = REQUIRED_COLUMNS[entity].filter((c) => !present.has(c) && !(entity === 'order_lines' && c === 'amount' && present.has('unit_price')));
  if (absent.length) throw missingColumns(entity, absent, staged.headers, mapping, o.file);
  for (const c of REQUIRED_COLUMNS[entity]) if (present.has(c)) errors.push(`case when m.${c} is null then '${c}: missing' end`);
  // A consent is for one of the purposes the consent policy knows (a `values` map renames a brand's own names).
  if (entity === 'consents' && present.has('purpose')) errors.push(`case when not list_contains(${param(PURPOSES)}, lower(m.purpose)) then 'purpose: not a known purpose (docs/privacy.md)' end`);
  if (present.has('province')) typed.push(`rp.name as t_province`);
  if (present.has('city')) typed.push(`rc.name as t_city, rc.tier as t_city_tier, rc.province as t_city_province`);
  const joins = [
    present.has('province') ? `left join siyu_regions rp on rp.kind = 'province' and rp.key = siyu_region_key(m.province)` : '',
    present.has('city') ? `left join siyu_regions rc on rc.kind = 'city' and rc.key = siyu_region_key(m.city)` : '',
  ].join(' ');
  const inner = `select ${typed.join(', ')}, list_filter([${errors.join(', ') || 'null'}]::varchar[], x -> x is not null) as _errors from (${mSub}) m ${joins}`;
  const rSql = `create temp table ${p}_rows as ${localDays.length ? `select *, ${localDays.join(', ')} from (${inner})` : inner}`;
  await db.run(rSql, used(rSql, params));
  await dropStaged(db, p);
  return { present, linePresent };
}

/**
 * Required columns the file does not give: without a mapping, map them with --map; with one, the headers it names
 * for them are not in the file — the file is another export than the mapping is for, named when a preset fits it.
 */
function missingColumns(entity: Entity, absent: string[], headers: string[], mapping: Mapping, file: string): UserError {
  const shown = headers.slice(0, 12);
  const like = presetMatching(headers);
  const fits = like && like.name !== mapping.name ? like : null;
  const hint = fits ? ` Its headers look like a ${fits.name} export (${fits.entity}): siyu import ${fits.entity} ${file} --map ${fits.name}.` : '';
  const hintZh = fits ? `其列名看起来是 ${fits.name} 导出（${fits.entity}）：siyu import ${fits.entity} ${file} --map ${fits.name}。` : '';
  if (!Object.keys(mapping.columns).length) {
    return new UserError('missing_columns', `${file} has no column for ${absent.join(', ')} (required for ${entity}); its headers are: ${shown.join(', ')}. Map them with --map (docs/import.md).${hint}`,
      `${file} 缺少 ${entity} 必需的列：${absent.join('、')}；文件的列为：${shown.join('、')}。请用 --map 指定映射（见 docs/import.md）。${hintZh}`);
  }
  const label = mapping.name ? `'${mapping.name}'` : 'given';
  const named = absent.map((c) => `${c} ← ${[mapping.columns[c] ?? c].flat().slice(0, 3).join(' / ')}`);
  return new UserError('mapping_headers', `${file} does not fit the mapping ${label}: it has none of the headers the mapping reads ${absent.join(', ')} from (${named.join('; ')}), which ${entity} requires; its headers are: ${shown.join(', ')}. Is it the export this mapping is for?${hint}`,
    `${file} 与映射 ${mapping.name ?? ''} 不符：文件中没有映射为 ${absent.join('、')}（${entity} 必需）指定的列（${named.join('；')}）；文件的列为：${shown.join('、')}。请确认文件是否为该映射对应的导出。${hintZh}`);
}

function article(kind: ColumnKind): string {
  return { timestamp: 'a date/time', date: 'a date', amount: 'an amount', integer: 'a whole number', gender: 'a gender (男/女/未知, M/F)', boolean: 'yes/no (是/否)', json: 'JSON', birthday: 'a date', order_status: 'a status', consent_status: 'granted/withdrawn (同意/撤回)' }[kind as string] ?? kind;
}

function typedExpr(kind: ColumnKind, c: string, lts: string): string | null {
  const v = `m.${c}`;
  switch (kind) {
    case 'timestamp': return `siyu_utc(${v}, ${lts}, $tz)`;
    case 'date': return `cast(${lts} as date)`;
    case 'birthday': return `cast(${lts} as date)`;
    case 'amount': return `siyu_amount(${v})`;
    case 'integer': return `siyu_int(${v})`;
    case 'gender': return `siyu_gender(${v})`;
    case 'boolean': return `siyu_bool(${v})`;
    case 'json': return `try_cast(${v} as json)`;
    case 'consent_status': return `siyu_consent(${v})`;
    default: return null;
  }
}

export const IDENTIFIERS: readonly string[] = IDENTIFIER_COLUMNS;
