import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { normalizeIdentifier, MASKED, type IdType } from '../domain/privacy/normalize.ts';
import { keyedHash } from '../domain/privacy/cipher.ts';
import { refreshAggregates } from './aggregates.ts';
import { analysed } from './scope.ts';

/**
 * Finding a customer (查找客户) by what a person knows of them — phone, member number, e-mail, unionid, openid (with
 * its mini-program / official-account app), external_userid (with its WeCom corp) — and a page of customers (a store
 * guide's own). A value is normalised as the import normalises it (src/domain/privacy/normalize.ts) and looked up by
 * its keyed hash: the value itself is never stored, logged or echoed. Results are masked summaries.
 */
export const LOOKUP_TYPES = ['phone', 'member_no', 'email', 'unionid', 'openid', 'external_userid'] as const satisfies readonly IdType[];
export type LookupType = (typeof LOOKUP_TYPES)[number];

/** What to look a customer up by; `app` is the openid's app, `corp` the external_userid's corp (else any). */
export type CustomerLookup = Partial<Record<LookupType | 'app' | 'corp', string>>;

/** A customer as a list shows them: masked, with their status and, when analytics may look at them, their last order day. */
export interface CustomerSummary {
  customer_id: number;
  status: string;
  name: string | null;
  identifiers: { type: string; masked: string | null }[];
  city: string | null;
  member_tier: string | null;
  owner_staff_code: string | null;
  home_store_code: string | null;
  last_order_date: string | null;
}

/** A SQL predicate on `c.id` narrowing who may be listed (a store guide's own), with its parameters; `true` for everyone. */
export interface CustomerScope { sql: string; params: Record<string, unknown> }
const EVERYONE: CustomerScope = { sql: 'true', params: {} };

export function hasLookup(by: CustomerLookup): boolean {
  return LOOKUP_TYPES.some((t) => typeof by[t] === 'string' && by[t] !== '');
}

/** The keyed hashes to look for; a value that is not a usable identifier is a user error (the value not repeated). */
function keysOf(app: Pick<App, 'keys'>, by: CustomerLookup): { type: LookupType; namespace: string | null; hash: string }[] {
  const out = [];
  for (const type of LOOKUP_TYPES) {
    const raw = by[type];
    if (typeof raw !== 'string' || raw === '') continue;
    if (MASKED.test(raw)) throw new UserError('masked_identifier', `The ${type} given is masked (****): look a customer up by the full value.`, `所给的 ${type} 已脱敏（****），请用完整的值查找。`);
    const norm = normalizeIdentifier(type, raw);
    if (!norm) throw new UserError('bad_identifier', `The ${type} given is not one Siyu can read.`, `所给的 ${type} 格式无法识别。`);
    const namespace = type === 'openid' ? (by.app ?? null) : type === 'external_userid' ? (by.corp ?? null) : '';
    out.push({ type, namespace, hash: keyedHash(app.keys, type, norm) });
  }
  return out;
}

const SUMMARY = `select c.id as customer_id, c.status, c.name_masked as name, c.city, c.member_tier, c.owner_staff_code, c.home_store_code,
    case when ${analysed('c.id')} then a.last_order_date::varchar end as last_order_date,
    (select list({'type': i.id_type, 'masked': i.id_masked} order by i.id_type, i.id_masked) from customer_identifiers i
      where i.workspace_id = c.workspace_id and i.customer_id = c.id and list_contains(['phone', 'member_no', 'email', 'unionid', 'openid', 'external_userid'], i.id_type)) as identifiers
  from customers c left join insight_customer_agg a on a.workspace_id = c.workspace_id and a.customer_id = c.id`;

type SummaryRow = Omit<CustomerSummary, 'identifiers'> & { identifiers: { type: string; masked: string | null }[] | null };
const summary = (r: SummaryRow): CustomerSummary => ({ ...r, customer_id: Number(r.customer_id), identifiers: r.identifiers ?? [] });

/**
 * The customers holding every identifier given (merged records resolve to their survivor: identifiers move with the
 * merge; erased customers hold none). A guide's scope narrows them to the guide's own.
 */
export async function findCustomers(app: App, by: CustomerLookup, scope: CustomerScope = EVERYONE): Promise<CustomerSummary[]> {
  const keys = keysOf(app, by);
  if (!keys.length) throw new UserError('no_lookup', `Say whom to look for: ${LOOKUP_TYPES.join(', ')}.`, `请给出查找依据：${LOOKUP_TYPES.join('、')}。`);
  await refreshAggregates(app);
  const params: Record<string, unknown> = { ws: app.workspaceId, ...scope.params };
  const holds = keys.map((k, i) => {
    Object.assign(params, { [`t${i}`]: k.type, [`h${i}`]: k.hash, [`n${i}`]: k.namespace });
    return `c.id in (select customer_id from customer_identifiers where workspace_id = $ws and id_type = $t${i} and id_hash = $h${i}
      and ($n${i}::varchar is null or namespace = $n${i}))`;
  });
  const rows = await app.warehouse.all<SummaryRow>(`${SUMMARY} where c.workspace_id = $ws and c.status not in ('erased', 'merged') and ${holds.join(' and ')} and ${scope.sql} order by c.id limit 50`, params);
  return rows.map(summary);
}

/**
 * A page of customers by id (keyset: the ones after `after`), active ones only — a restricted customer is kept but
 * used for nothing, so lists leave them out (a lookup still names them, with their status, to answer a request).
 */
export async function listCustomers(app: App, opts: { scope?: CustomerScope; limit?: number; after?: number } = {}): Promise<{ customers: CustomerSummary[]; next_after: number | null }> {
  const limit = opts.limit ?? 50;
  const scope = opts.scope ?? EVERYONE;
  await refreshAggregates(app);
  const rows = await app.warehouse.all<SummaryRow>(`${SUMMARY} where c.workspace_id = $ws and c.status = 'active' and c.id > $after and ${scope.sql} order by c.id limit $n`,
    { ws: app.workspaceId, after: opts.after ?? 0, n: limit + 1, ...scope.params });
  const page = rows.slice(0, limit).map(summary);
  return { customers: page, next_after: rows.length > limit ? page[page.length - 1].customer_id : null };
}

/** The one customer an identifier names (for `insight customer --phone …`): 404 when none, 409 when several. */
export async function resolveCustomer(app: App, by: CustomerLookup): Promise<number> {
  const found = await findCustomers(app, by);
  if (!found.length) throw new UserError('no_customer', 'No customer holds that identifier.', '没有客户持有该标识。', 404);
  if (found.length > 1) {
    const ids = found.map((c) => c.customer_id).join(', ');
    throw new UserError('ambiguous_customer', `Several customers match (${ids}); name the openid's app (--app) or the corp (--corp), or use --id.`, `有多位客户匹配（${ids}）：请指定 openid 的应用（--app）或企业（--corp），或使用 --id。`, 409);
  }
  return found[0].customer_id;
}
