import type { App } from '../app/context.ts';
import { sensitiveNumberIn } from '../domain/ingest/sensitiveNumbers.ts';
import type { Mapping } from './mapping.ts';
import type { StagedFile } from './read/stage.ts';
import { UserError } from '../errors.ts';

/** Free-text canonical columns scanned for ID-card and bank-card numbers (codes and ids are not free text). */
export const FREE_TEXT = ['name', 'tags', 'evidence', 'title', 'topic', 'state', 'member_tier', 'kind', 'category', 'brand', 'properties', '_traits', 'acquisition_channel'];

/** Aliases onto the privacy area's sensitive classes (src/domain/privacy/consent.ts SENSITIVE_CLASSES). */
const CLASS_OF: Record<string, string> = { bank_card: 'financial', biometrics: 'biometric', minors: 'minor' };

/**
 * Whether the workspace records the separate-consent purpose `sensitive_<class>`: its consent ledger holds grants
 * for that purpose (the brand collects that separate consent), or a purposes table lists it.
 */
async function purposeRecorded(app: App, klass: string): Promise<boolean> {
  if (await app.warehouse.scalar(`select count(*) from consents where workspace_id = $ws and purpose = $p and status = 'granted'`, { ws: app.workspaceId, p: `sensitive_${klass}` })) return true;
  const tables = (await app.warehouse.all<{ t: string }>(`select table_name as t from duckdb_tables() where not temporary and table_name in ('consent_purposes', 'purposes')`)).map((r) => r.t);
  for (const t of tables) {
    const cols = (await app.warehouse.all<{ c: string }>(`select column_name as c from duckdb_columns() where table_name = $t`, { t })).map((r) => r.c);
    const key = cols.includes('purpose') ? 'purpose' : cols.includes('code') ? 'code' : cols.includes('name') ? 'name' : null;
    if (!key) continue;
    const ws = cols.includes('workspace_id') ? 'and workspace_id = $ws' : '';
    if (await app.warehouse.scalar(`select count(*) from ${t} where ${key} = $p ${ws}`, { p: `sensitive_${klass}`, ws: app.workspaceId })) return true;
  }
  return false;
}

/** The canonical column (or order-line column, or template) a mapping stores a source header in, if any. */
function storedAs(mapping: Mapping, header: string): string | null {
  const h = header.trim().toLowerCase();
  const names = (spec: string | string[]) => (Array.isArray(spec) ? spec : [spec]).map((x) => x.trim().toLowerCase());
  for (const [column, spec] of Object.entries(mapping.columns ?? {})) if (names(spec).includes(h)) return column;
  for (const [column, spec] of Object.entries(mapping.lines ?? {})) if (names(spec).includes(h)) return `order line ${column}`;
  for (const [column, template] of Object.entries(mapping.templates ?? {})) {
    if ([...template.matchAll(/\{([^}]+)\}/g)].some((m) => m[1].trim().toLowerCase() === h)) return `${column} (template)`;
  }
  return null;
}

/**
 * PIPL art. 28: a file whose mapping declares sensitive columns (health, religion, ID card, bank card, precise
 * location, biometrics, minors) is refused unless the workspace records the separate-consent purpose for each class.
 */
export async function checkSensitiveColumns(app: App, mapping: Mapping, staged: StagedFile): Promise<void> {
  const headers = new Set(staged.headers.map((h) => h.trim().toLowerCase()));
  for (const [header, given] of Object.entries(mapping.sensitive ?? {})) {
    const klass = CLASS_OF[given] ?? given;
    const into = storedAs(mapping, header);
    if (into) {
      throw new UserError(
        'sensitive_mapped',
        `Column '${header}' is declared sensitive (${klass}) and also mapped to ${into}; sensitive values are never stored: take it out of the mapping's columns.`,
        `列 '${header}' 已声明为敏感信息（${klass}），又被映射到 ${into}；敏感信息不会被存储，请从映射的 columns 中移除该列。`,
      );
    }
    if (!headers.has(header.trim().toLowerCase())) continue;
    if (!(await purposeRecorded(app, klass))) {
      throw new UserError(
        'sensitive_refused',
        `Column '${header}' holds sensitive personal information (${klass}, PIPL art. 28); the workspace records no separate-consent purpose 'sensitive_${klass}', so the file is refused.`,
        `列 '${header}' 含敏感个人信息（${klass}，《个人信息保护法》第28条）；本工作空间未登记单独同意目的 'sensitive_${klass}'，文件被拒绝导入。`,
        422,
      );
    }
  }
}

/** Rows whose free-text fields carry an ID-card or bank-card number get a rejection naming the field. */
export async function rejectSensitiveNumbers(app: App, p: string, present: Set<string>): Promise<number> {
  const cols = FREE_TEXT.filter((c) => present.has(c));
  let hits = 0;
  for (const c of cols) {
    const expr = c === 'properties' || c === '_traits' ? `${c}::varchar` : c;
    const cand = await app.warehouse.all<{ _row: number; v: string }>(`select _row, ${expr} as v from ${p}_rows where regexp_matches(${expr}, '[0-9][0-9 -]{11,22}[0-9Xx]')`);
    const bad = cand.map((r) => ({ row: r._row, kind: sensitiveNumberIn(r.v) })).filter((r) => r.kind);
    for (const kind of ['id_card', 'bank_card'] as const) {
      const rows = bad.filter((b) => b.kind === kind).map((b) => b.row);
      if (!rows.length) continue;
      hits += rows.length;
      const reason = `${c.replace(/^_/, '')}: contains ${kind === 'id_card' ? 'an ID-card number' : 'a bank-card number'} (sensitive, PIPL art. 28)`;
      await app.warehouse.run(`update ${p}_rows set _errors = list_append(_errors, $reason) where _row in (select unnest($rows::bigint[]))`, { reason, rows: rows });
    }
  }
  return hits;
}
