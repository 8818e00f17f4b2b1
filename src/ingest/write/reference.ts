import type { App } from '../../app/context.ts';
import type { Entity } from '../canonical.ts';
import { cols, GOOD, EXISTING, changed, changedJoiningCustomers, type WriteResult } from './sql.ts';

type Spec = { table: string; key: string[]; columns: (c: ReturnType<typeof cols>) => [string, string][]; customer?: boolean };

/** Reference and membership entities: an upsert by natural key, latest row of the file wins, empty cells keep what is stored. */
const SPECS: Partial<Record<Entity, Spec>> = {
  products: { table: 'products', key: ['sku'], columns: (c) => [['sku', 'r.sku'], ['name', c.raw('name', 'r.sku')], ['category', c.raw('category')], ['brand', c.raw('brand')], ['price', c.typed('price')], ['launched_at', c.typed('launched_at')]] },
  stores: {
    table: 'stores', key: ['code'],
    columns: (c) => [['code', 'r.code'], ['name', c.raw('name', 'r.code')], ['province', c.has('province') ? 'coalesce(r.t_province, r.province)' : c.has('city') ? 'r.t_city_province' : 'null'],
      ['city', c.has('city') ? 'coalesce(r.t_city, r.city)' : 'null'], ['city_tier', c.has('city_tier') ? 'r.city_tier' : c.has('city') ? 'r.t_city_tier' : 'null'], ['kind', c.raw('kind')], ['opened_at', c.typed('opened_at')]],
  },
  content: { table: 'content_items', key: ['content_id'], columns: (c) => [['content_id', 'r.content_id'], ['title', c.raw('title', 'r.content_id')], ['kind', c.raw('kind')], ['topic', c.raw('topic')], ['published_at', c.typed('published_at')]] },
  campaigns: { table: 'campaigns', key: ['campaign_id'], columns: (c) => [['campaign_id', 'r.campaign_id'], ['name', c.raw('name', 'r.campaign_id')], ['kind', c.raw('kind')], ['channel', c.raw('channel')], ['started_at', c.typed('started_at')], ['ended_at', c.typed('ended_at')]] },
  groups: { table: 'community_groups', key: ['group_id'], columns: (c) => [['group_id', 'r.group_id'], ['name', c.raw('name', 'r.group_id')], ['owner_staff_code', c.raw('owner_staff_code')], ['store_code', c.raw('store_code')], ['created_at', c.typed('created_at')], ['dismissed_at', c.typed('dismissed_at')]] },
  coupons: {
    table: 'coupons', key: ['coupon_code'],
    columns: (c) => [['coupon_code', 'r.coupon_code'], ['campaign_id', c.raw('campaign_id')], ['customer_id', 'rc.customer_id'], ['value', c.typed('value')], ['issued_at', c.typed('issued_at')], ['expires_at', c.typed('expires_at')], ['redeemed_at', c.typed('redeemed_at')], ['order_id', c.raw('order_id')]],
  },
  contacts: {
    table: 'contact_ownership', key: ['customer_id', 'staff_code', 'added_at'], customer: true,
    columns: (c) => [['customer_id', 'rc.customer_id'], ['staff_code', 'r.staff_code'], ['added_at', 'r.t_added_at'], ['removed_at', c.typed('removed_at')], ['state', c.raw('state')]],
  },
  group_members: {
    table: 'group_members', key: ['group_id', 'customer_id', 'joined_at'], customer: true,
    columns: (c) => [['group_id', 'r.group_id'], ['customer_id', 'rc.customer_id'], ['joined_at', 'r.t_joined_at'], ['left_at', c.typed('left_at')]],
  },
  campaign_members: {
    table: 'campaign_members', key: ['campaign_id', 'customer_id'], customer: true,
    columns: (c) => [['campaign_id', 'r.campaign_id'], ['customer_id', 'rc.customer_id'], ['arm', `coalesce(lower(${c.raw('arm')}), 'treatment')`], ['assigned_at', c.typed('assigned_at')]],
  },
};

export function hasReferenceWriter(entity: Entity): boolean {
  return entity in SPECS;
}

export async function writeReference(app: App, p: string, entity: Entity, present: Set<string>): Promise<WriteResult> {
  const spec = SPECS[entity]!;
  const c = cols(present);
  const columns = spec.columns(c);
  const nonKey = columns.filter(([k]) => !spec.key.includes(k));
  const partition = spec.key.map((k) => columns.find(([x]) => x === k)![1]).join(', ');
  const ws = app.workspaceId;
  const db = app.warehouse;
  // The file's row per natural key (its latest), then: new keys are imported, stored keys a non-empty cell changes
  // are updated (an empty cell keeps what is stored), the other good rows unchanged.
  // (Columns the file does not carry stay out of the temp table — a bare NULL would be typed INTEGER there.)
  const carried = columns.filter(([, e]) => e !== 'null');
  await db.run(
    `create temp table ${p}_ref as select ${carried.map(([k, e]) => `${e} as ${k}`).join(', ')}
     from ${p}_rows r ${spec.customer ? 'join' : 'left join'} ${p}_rc rc using (_row)
     where ${GOOD} qualify row_number() over (partition by ${partition} order by r._row desc) = 1`,
  );
  const onKeys = spec.key.map((k) => `t.${k} = n.${k}`).join(' and ');
  const changes = nonKey.filter(([, e]) => e !== 'null').map(([k]) => `(n.${k} is not null and n.${k} is distinct from t.${k})`);
  const updated = changes.length
    ? await db.scalar(`select count(*) from ${p}_ref n join ${spec.table} t on t.workspace_id = $ws and ${onKeys} where ${changes.join(' or ')}`, { ws })
    : 0;
  const before = await db.scalar(`select count(*) from ${spec.table} where workspace_id = $ws`, { ws });
  await db.run(
    `insert into ${spec.table} (workspace_id, ${columns.map(([k]) => k).join(', ')})
     select $ws, ${columns.map(([k, e]) => (e === 'null' ? 'null' : k)).join(', ')} from ${p}_ref
     on conflict (workspace_id, ${spec.key.join(', ')}) do ${nonKey.length ? `update set ${nonKey.map(([k]) => `${k} = coalesce(excluded.${k}, ${spec.table}.${k})`).join(', ')}` : 'nothing'}`,
    { ws },
  );
  const after = await db.scalar(`select count(*) from ${spec.table} where workspace_id = $ws`, { ws });
  const good = await db.scalar(`select count(*) from ${p}_rows r where ${GOOD}`);
  return { imported: after - before, updated, unchanged: good - (after - before) - updated };
}

/**
 * Consents: the ledger is the state store's (src/privacy/consentLedger.ts), so an import writes its entries into the
 * warehouse's outbox inside the file's transaction, and they are relayed to the ledger after the commit
 * (relayConsentOutbox) — once, by their origin. An entry belongs to its subject: the customer the row names, or, when
 * it reached that customer through an identifier a merge still in force moved from a merged customer, that merged
 * customer (so an unmerge gives it back with them). A change is added once: same subject, purpose, status and time
 * is already there (in the ledger's copy or waiting in the outbox).
 */
export async function writeConsents(app: App, p: string, present: Set<string>, o: { source: string | null }): Promise<WriteResult> {
  const c = cols(present);
  const ws = app.workspaceId;
  await app.warehouse.run(
    `create temp table ${p}_cvia as select i.key as via, arg_min(m.merged_id, m.id) as merged_id from ${p}_ids i
     join identity_merge_moves mv on mv.workspace_id = $ws and mv.kind = 'identifier' and mv.key = i.id_type || '|' || i.namespace || '|' || i.id_hash
     join identity_merges m on m.workspace_id = $ws and m.id = mv.merge_id and m.unmerged_at is null
     group by i.key`,
    { ws },
  );
  const imported = await changed(
    app.warehouse,
    `insert into consent_outbox (workspace_id, subject_id, purpose, status, changed_at, source, evidence, policy_version, origin)
     select $ws, n.subject_id, n.purpose, n.status, n.changed_at, n.source, n.evidence, n.policy_version,
            'import:' || n.subject_id || ':' || n.purpose || ':' || n.status || ':' || epoch_ms(n.changed_at)
     from (select coalesce(v.merged_id, rc.customer_id) as subject_id, lower(r.purpose) as purpose, r.t_status as status, r.t_changed_at as changed_at,
                  coalesce(${c.raw('source')}, $source) as source, ${c.raw('evidence')} as evidence, ${c.raw('policy_version')} as policy_version
           from ${p}_rows r join ${p}_rc rc using (_row) left join ${p}_cvia v on v.via = rc.via
           where ${GOOD}
           qualify row_number() over (partition by subject_id, purpose, status, changed_at order by r._row desc) = 1) n
     where not exists (select 1 from consents k where k.workspace_id = $ws and k.subject_id = n.subject_id and k.purpose = n.purpose and k.status = n.status and k.changed_at = n.changed_at)
       and not exists (select 1 from consent_outbox k where k.workspace_id = $ws and k.subject_id = n.subject_id and k.purpose = n.purpose and k.status = n.status and k.changed_at = n.changed_at)`,
    { ws, source: o.source },
  );
  await app.warehouse.run(`drop table ${p}_cvia`);
  const good = await app.warehouse.scalar(`select count(*) from ${p}_rows r where ${GOOD}`);
  return { imported, unchanged: good - imported };
}

/** Events, idempotent by event id; without one, a key derived from what the row says (so a re-import is a no-op). */
export async function writeEvents(app: App, p: string, present: Set<string>, o: { source: string | null }): Promise<WriteResult> {
  const { props, anon, eventId } = eventColumns(p, present);
  const c = cols(present);
  const imported = await changedJoiningCustomers(
    app.warehouse,
    `insert into events (workspace_id, event_id, customer_id, anonymous_key, type, occurred_at, event_date, properties, source)
     select * from (
       select $ws as ws, ${eventId} as event_id, rc.customer_id, case when rc.customer_id is null then ${anon} end, r.type, r.t_occurred_at, r.d_occurred_at, ${props}, coalesce(${c.raw('source')}, $source)
       from ${p}_rows r left join ${p}_rc rc using (_row) where ${GOOD}
       qualify row_number() over (partition by event_id order by r._row) = 1) n
     anti join ${EXISTING('event_id', 'events')} x on x.event_id = n.event_id`,
    { ws: app.workspaceId, source: o.source },
  );
  const good = await app.warehouse.scalar(`select count(*) from ${p}_rows r where ${GOOD}`);
  return { imported, unchanged: good - imported };
}

/**
 * An event row's properties, anonymous key and event id as SQL over `r` (a staged row) and `rc` (its customer): the
 * id is the file's, else derived from what the row says, so a re-import finds the same id.
 */
export function eventColumns(p: string, present: Set<string>): { props: string; anon: string; eventId: string } {
  const c = cols(present);
  const extra = ['sku', 'content_id', 'group_id', 'campaign_id', 'coupon_code', 'store_code', 'channel'].filter((k) => c.has(k));
  const props = extra.length
    ? `json_merge_patch(coalesce(${c.typed('properties')}, '{}'::json), json_object(${extra.map((k) => `'${k}', r.${k}`).join(', ')}))`
    : c.typed('properties');
  const anon = c.has('anonymous_id') || c.has('device_id')
    ? `(select any_value(v.id_hash) from ${p}_idv v where v.status = 'ok' and ((v.id_type = 'anonymous_id' and v.raw = ${c.raw('anonymous_id')}) or (v.id_type = 'device_id' and v.raw = ${c.raw('device_id')})))`
    : 'null';
  const eventId = `coalesce(${c.raw('event_id')}, md5(concat_ws('|', r.type, r.t_occurred_at::varchar, rc.customer_id::varchar, ${anon}, ${props}::varchar)))`;
  return { props, anon, eventId };
}
