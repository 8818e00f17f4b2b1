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
