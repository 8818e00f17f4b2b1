/**
 * Canonical import columns per entity: the contract between import files (after a mapping preset has renamed
 * the source's headers), the importer, and the demo generator. docs/import.md documents each with an example.
 *
 * Rows that belong to a customer carry one or more IDENTIFIER_COLUMNS; identity resolution turns them into the
 * customer (creating one for identifiers never seen). Times are ISO-8601 or any format the coercions accept;
 * without an offset they are read in the workspace's zone (Asia/Shanghai).
 */
export const IDENTIFIER_COLUMNS = ['member_no', 'phone', 'email', 'unionid', 'openid', 'external_userid', 'device_id', 'anonymous_id', 'user_id'] as const;
export type IdentifierColumn = (typeof IDENTIFIER_COLUMNS)[number];

/** Namespaces for identifiers that are only unique within an app / corp / source. */
export const NAMESPACE_COLUMNS = { openid: 'openid_app', external_userid: 'corp_id', user_id: 'source' } as const;
/** Identifier types that name a person only within their namespace's app (openid) or corp (external_userid). */
export const SCOPED_TYPES = ['openid', 'external_userid'] as const;

export const ENTITIES = {
  customers: { key: ['(identifiers)'], columns: ['name', 'gender', 'birthday', 'province', 'city', 'acquisition_channel', 'acquired_at', 'registered_at', 'member_tier', 'owner_staff_code', 'home_store_code', 'tags'] },
  orders: { key: ['order_id'], columns: ['ordered_at', 'channel', 'store_code', 'staff_code', 'coupon_code', 'campaign_id', 'status', 'gross_amount', 'discount_amount', 'refund_amount', 'item_count'] },
  order_lines: { key: ['order_id', 'line_no'], columns: ['sku', 'quantity', 'unit_price', 'amount', 'refund_amount'] },
  products: { key: ['sku'], columns: ['name', 'category', 'brand', 'price', 'launched_at'] },
  events: { key: ['event_id'], columns: ['type', 'occurred_at', 'properties', 'sku', 'content_id', 'group_id', 'campaign_id', 'coupon_code', 'store_code', 'channel'] },
  consents: { key: ['(identifiers)', 'purpose', 'changed_at'], columns: ['status', 'source', 'evidence', 'policy_version'] },
  stores: { key: ['code'], columns: ['name', 'province', 'city', 'city_tier', 'kind', 'opened_at'] },
  staff: { key: ['code'], columns: ['name', 'store_code', 'role', 'wecom_userid', 'joined_at'] },
  contacts: { key: ['(identifiers)', 'staff_code', 'added_at'], columns: ['removed_at', 'state'] },
  groups: { key: ['group_id'], columns: ['name', 'owner_staff_code', 'store_code', 'created_at', 'dismissed_at'] },
  group_members: { key: ['group_id', '(identifiers)', 'joined_at'], columns: ['left_at'] },
  content: { key: ['content_id'], columns: ['title', 'kind', 'topic', 'published_at'] },
  campaigns: { key: ['campaign_id'], columns: ['name', 'kind', 'channel', 'started_at', 'ended_at'] },
  campaign_members: { key: ['campaign_id', '(identifiers)'], columns: ['arm', 'assigned_at'] },
  coupons: { key: ['coupon_code'], columns: ['campaign_id', 'value', 'issued_at', 'expires_at', 'redeemed_at', 'order_id'] },
} as const;

export type Entity = keyof typeof ENTITIES;
export const ENTITY_NAMES = Object.keys(ENTITIES) as Entity[];

/**
 * How each canonical column is read (coerced in SQL, see src/ingest/coerce/macros.ts). Columns not listed are text.
 * `timestamp` values without an offset are local (workspace zone); a date alone is the local midnight.
 */
export type ColumnKind = 'text' | 'timestamp' | 'date' | 'amount' | 'integer' | 'gender' | 'boolean' | 'json' | 'province' | 'city' | 'name' | 'birthday' | 'order_status' | 'consent_status';

export const COLUMN_KINDS: Record<string, ColumnKind> = {
  ordered_at: 'timestamp', acquired_at: 'timestamp', registered_at: 'timestamp', occurred_at: 'timestamp', changed_at: 'timestamp',
  added_at: 'timestamp', removed_at: 'timestamp', created_at: 'timestamp', dismissed_at: 'timestamp', joined_at: 'timestamp',
  left_at: 'timestamp', published_at: 'timestamp', started_at: 'timestamp', ended_at: 'timestamp', assigned_at: 'timestamp',
  issued_at: 'timestamp', expires_at: 'timestamp', redeemed_at: 'timestamp',
  launched_at: 'date', opened_at: 'date',
  gross_amount: 'amount', discount_amount: 'amount', refund_amount: 'amount', unit_price: 'amount', amount: 'amount', price: 'amount', value: 'amount',
  item_count: 'integer', quantity: 'integer', line_no: 'integer',
  gender: 'gender', properties: 'json', province: 'province', city: 'city', name: 'name', birthday: 'birthday',
};

/** Per entity, the columns a row cannot do without (a row missing one is rejected). Identifiers are checked apart. */
export const REQUIRED_COLUMNS: Record<Entity, string[]> = {
  customers: [], orders: ['order_id', 'ordered_at', 'gross_amount'], order_lines: ['order_id', 'amount'], products: ['sku'],
  events: ['type', 'occurred_at'], consents: ['purpose', 'status', 'changed_at'], stores: ['code'], staff: ['code'],
  contacts: ['staff_code', 'added_at'], groups: ['group_id'], group_members: ['group_id', 'joined_at'], content: ['content_id'],
  campaigns: ['campaign_id'], campaign_members: ['campaign_id'], coupons: ['coupon_code'],
};

/** Entities whose rows need a customer: a row without any usable identifier is rejected (orders may be orphans). */
export const NEEDS_CUSTOMER: Entity[] = ['customers', 'consents', 'contacts', 'group_members', 'campaign_members'];

/** Canonical columns an entity accepts, identifiers and namespaces included. */
export function canonicalColumns(entity: Entity): string[] {
  const e = ENTITIES[entity];
  const keys = e.key.filter((k) => k !== '(identifiers)');
  const ids = (e.key as readonly string[]).includes('(identifiers)') || ['orders', 'events', 'coupons', 'customers'].includes(entity)
    ? [...IDENTIFIER_COLUMNS, ...Object.values(NAMESPACE_COLUMNS).filter((c) => c !== 'source')] : [];
  return [...new Set([...keys, ...e.columns, ...ids])];
}
