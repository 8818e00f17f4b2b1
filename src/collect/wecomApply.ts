import { createHash } from 'node:crypto';
import type { App } from '../app/context.ts';
import { resolveBatch } from '../identity/index.ts';
import { keyedHash } from '../domain/privacy/cipher.ts';
import { localDay } from '../domain/collect/event.ts';
import type { WecomConfig } from './wecomStore.ts';
import { field, items, type WecomXml } from '../domain/collect/wecomXml.ts';

/**
 * WeCom changes mapped onto the retail model: an external contact (外部联系人) is a customer identified by its
 * external_userid (namespaced by corp id); adding / losing a store guide opens / closes `contact_ownership` (the
 * QR code's `state` is the acquisition channel); customer groups (客户群) are `community_groups` with their
 * `group_members`; every change is also an event on the customer's timeline.
 */
export interface WecomChange {
  kind: 'contact' | 'group';
  change: string;
  at: number;
  staff?: string;
  externalUserId?: string;
  state?: string;
  chatId?: string;
  members?: string[];
  detail?: Record<string, unknown>;
  /** Stable id of the change (for the event id). */
  digest: string;
}

/** WeCom callback XML fields → a change, or null for messages Siyu does not use. */
export function changeOf(x: WecomXml, digest: string): WecomChange | null {
  const f = (k: string) => field(x, k);
  const created = Number(f('CreateTime')) * 1000;
  const at = Number.isFinite(created) && created > 0 && created < 253402300800000 ? created : Date.now();
  if (f('Event') === 'change_external_contact') {
    return { kind: 'contact', change: f('ChangeType'), at, staff: f('UserID') || undefined, externalUserId: f('ExternalUserID') || undefined, state: f('State') || undefined, digest, detail: f('FailReason') ? { fail_reason: f('FailReason') } : undefined };
  }
  if (f('Event') === 'change_external_chat') {
    const change = f('ChangeType') === 'update' ? f('UpdateDetail') || 'update' : f('ChangeType');
    return { kind: 'group', change, at, chatId: f('ChatId') || undefined, members: items(x, 'MemChangeList'), digest, detail: { join_scene: f('JoinScene') || undefined, quit_scene: f('QuitScene') || undefined, mem_change_cnt: f('MemChangeCnt') || undefined } };
  }
  return null;
}

const CONTACT_EVENTS: Record<string, string> = {
  add_external_contact: 'wecom_contact_added', add_half_external_contact: 'wecom_contact_added_half', edit_external_contact: 'wecom_contact_edited',
  del_external_contact: 'wecom_contact_deleted_by_staff', del_follow_user: 'wecom_contact_deleted_by_customer', transfer_fail: 'wecom_transfer_failed',
};

/** External user ids (wm…/wo…) are customers; staff user ids in a member list are not. */
const isExternal = (id: string) => /^w[mo]/.test(id);

/**
 * The staff code of a WeCom userid: the staff member imported with that `wecom_userid` (kept as a keyed hash, as the
 * 客户联系 export's 添加人账号 is resolved), else the userid itself.
 */
export async function staffCodeOf(app: App, wecomUserId: string): Promise<string> {
  if (!wecomUserId) return '';
  const r = await app.warehouse.get<{ code: string }>('select code from staff where workspace_id = $ws and wecom_userid_hash = $h limit 1', { ws: app.workspaceId, h: keyedHash(app.keys, 'wecom_userid', wecomUserId) });
  return r?.code ?? wecomUserId;
}

export async function customerOf(app: App, cfg: WecomConfig, externalUserIds: string[]): Promise<(number | null)[]> {
  return resolveBatch(app, externalUserIds.map((v) => ({ source: `wecom:${cfg.name}`, identifiers: [{ type: 'external_userid', value: v, namespace: cfg.corpId }] })));
}

export async function applyChange(app: App, cfg: WecomConfig, c: WecomChange): Promise<void> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  const at = new Date(c.at).toISOString();
  if (c.kind === 'contact') {
    if (!c.externalUserId) return;
    const [customer] = await customerOf(app, cfg, [c.externalUserId]);
    if (customer === null) return;
    const staff = await staffCodeOf(app, c.staff ?? '');
    if (c.change === 'add_external_contact' || c.change === 'add_half_external_contact') {
      await db.run(`insert or ignore into contact_ownership (workspace_id, customer_id, staff_code, added_at, state) values ($ws, $c, $s, $at::timestamp, $state)`, { ws, c: customer, s: staff, at, state: c.state ?? null });
      await db.run(`update customers set acquisition_channel = coalesce(acquisition_channel, $ch), acquired_at = coalesce(acquired_at, $at::timestamp) where workspace_id = $ws and id = $c`, { ws, c: customer, ch: c.state ? `wecom:${c.state}` : 'wecom', at });
    } else if (c.change === 'del_external_contact' || c.change === 'del_follow_user') {
      await db.run(`update contact_ownership set removed_at = $at::timestamp where workspace_id = $ws and customer_id = $c and staff_code in ($s, $u) and removed_at is null`, { ws, c: customer, s: staff, u: c.staff ?? '', at });
    }
    await event(app, cfg, c, CONTACT_EVENTS[c.change] ?? `wecom_${c.change}`, customer, { staff: staff || null, state: c.state ?? null, ...(c.detail ?? {}) });
    return;
  }
  if (!c.chatId) return;
  if (c.change === 'create') {
    await db.run(`insert or ignore into community_groups (workspace_id, group_id, name, created_at) values ($ws, $g, '', $at::timestamp)`, { ws, g: c.chatId, at });
  } else if (c.change === 'dismiss') {
    await db.run(`update community_groups set dismissed_at = $at::timestamp where workspace_id = $ws and group_id = $g`, { ws, g: c.chatId, at });
  } else if (c.change === 'add_member' || c.change === 'del_member') {
    await db.run(`insert or ignore into community_groups (workspace_id, group_id, name, created_at) values ($ws, $g, '', null)`, { ws, g: c.chatId });
    const ext = (c.members ?? []).filter(isExternal);
    const customers = await customerOf(app, cfg, ext);
    for (const customer of customers) {
      if (customer === null) continue;
      if (c.change === 'add_member') {
        await db.run(`insert or ignore into group_members (workspace_id, group_id, customer_id, joined_at) select $ws, $g, $c, $at::timestamp where not exists (select 1 from group_members where workspace_id = $ws and group_id = $g and customer_id = $c and left_at is null)`, { ws, g: c.chatId, c: customer, at });
      } else {
        await db.run(`update group_members set left_at = $at::timestamp where workspace_id = $ws and group_id = $g and customer_id = $c and left_at is null`, { ws, g: c.chatId, c: customer, at });
      }
      await event(app, cfg, { ...c, digest: `${c.digest}:${customer}` }, c.change === 'add_member' ? 'group_join' : 'group_leave', customer, { group_id: c.chatId, ...(c.detail ?? {}) });
    }
    return;
  }
  await event(app, cfg, c, `wecom_group_${c.change}`, null, { group_id: c.chatId, ...(c.detail ?? {}) });
}

async function event(app: App, cfg: WecomConfig, c: WecomChange, type: string, customer: number | null, props: Record<string, unknown>): Promise<void> {
  const eventId = `wecom:${cfg.sourceId}:${createHash('sha1').update(c.digest).digest('base64url')}`;
  await app.warehouse.run(
    `insert or ignore into events (workspace_id, event_id, customer_id, type, occurred_at, event_date, properties, source) values ($ws, $id, $c, $t, $at::timestamp, $d::date, $p::json, $src)`,
    { ws: app.workspaceId, id: eventId, c: customer, t: type, at: new Date(c.at).toISOString(), d: localDay(c.at, 'Asia/Shanghai'), p: JSON.stringify(props), src: cfg.name },
  );
  await app.warehouse.run(
    `insert into collect_source_stats (workspace_id, source_id, events, last_seen_at) values ($ws, $sid, 1, now())
     on conflict (workspace_id, source_id) do update set events = collect_source_stats.events + 1, last_seen_at = now()`,
    { ws: app.workspaceId, sid: cfg.sourceId },
  );
}
