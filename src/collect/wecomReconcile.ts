import type { App } from '../app/context.ts';
import type { WecomConfig } from './wecomStore.ts';
import { noteReconciled } from './wecomStore.ts';
import { staffCodeOf } from './wecomApply.ts';
import { contactIdentifiers, contactsOf, memberCustomers, wecomApi, type ApiContact, type WecomApi } from './wecomContacts.ts';
import { UserError } from '../errors.ts';

/**
 * The reconciler (对账): changes made through the WeCom API fire no callback and group details lag the event, so the
 * contacts of every guide and every customer group are re-read through the API and diffed with what callbacks and
 * imports built. A contact is matched by every identifier the API gives (external_userid, unionid, the phones the
 * guide noted) — contacts imported from the 客户联系 export carry a phone but no external_userid. What matches is
 * linked (the external_userid joins that customer) and kept open; an open relationship is closed only when its
 * customer has an external_userid the API no longer lists; one whose customer the API cannot identify is left open
 * and reported as unmatched; an API contact that matches nobody while such unidentified relationships exist is not
 * created (it may be one of them) and is reported too.
 */
export interface ReconcileResult {
  contacts_added: number;
  contacts_linked: number;
  contacts_closed: number;
  /** Open relationships whose customer the API cannot identify (no external_userid, no matching phone): left open. */
  contacts_unmatched: number;
  /** API contacts matching no customer while unidentified relationships of their guide exist: not created. */
  api_contacts_unmatched: number;
  groups_updated: number;
  members_added: number;
  members_closed: number;
}

export async function reconcileWecom(app: App, cfg: WecomConfig, fetchImpl: typeof fetch = fetch): Promise<ReconcileResult> {
  if (!cfg.secret) throw new UserError('no_wecom_secret', `Source '${cfg.name}' has no API secret; create it with --secret to reconcile.`, `数据源 '${cfg.name}' 未配置 API secret，无法对账。`);
  const api = await wecomApi(cfg, fetchImpl);
  const out: ReconcileResult = { contacts_added: 0, contacts_linked: 0, contacts_closed: 0, contacts_unmatched: 0, api_contacts_unmatched: 0, groups_updated: 0, members_added: 0, members_closed: 0 };
  const staff = ((await api.get('/cgi-bin/externalcontact/get_follow_user_list')).follow_user as string[]) ?? [];
  const listed = new Map<string, ApiContact[]>();
  for (const s of staff) listed.set(s, await contactsOf(api, s));
  await app.warehouse.transaction(async () => {
    for (const s of staff) await reconcileGuide(app, cfg, s, listed.get(s)!, out);
    await reconcileGroups(app, cfg, api, out);
  });
  await noteReconciled(app, cfg.sourceId);
  await app.warehouse.checkpoint();
  return out;
}

/** One guide's contacts: the API's list against the open relationships under the guide's staff code (or userid). */
async function reconcileGuide(app: App, cfg: WecomConfig, userid: string, contacts: ApiContact[], out: ReconcileResult): Promise<void> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  const code = await staffCodeOf(app, userid);
  const codes = [...new Set([code, userid])];
  const openRows = await db.all<{ c: number; s: string }>(`select customer_id as c, staff_code as s from contact_ownership where workspace_id = $ws and list_contains($codes, staff_code) and removed_at is null`, { ws, codes });
  const open = new Set(openRows.map((r) => Number(r.c)));
  const withExternal = await customersWithExternalId(app, cfg, [...open]);
  // Which existing customer each API contact names, by any of its identifiers (nothing is created here).
  const known = await Promise.all(contacts.map((c) => matchCustomer(app, cfg, c)));
  const matchedOpen = new Set(known.filter((k): k is number => k !== null && open.has(k)));
  const unidentified = [...open].filter((c) => !withExternal.has(c) && !matchedOpen.has(c));
  const resolved = new Set<number>();
  for (let i = 0; i < contacts.length; i++) {
    const c = contacts[i];
    if (known[i] === null && unidentified.length) {
      out.api_contacts_unmatched++;
      continue;
    }
    // All its identifiers resolved together: a contact matched by phone gets its external_userid linked.
    const [customer] = await memberCustomers(app, cfg, [c]);
    if (customer === null) continue;
    if (known[i] !== null && !withExternal.has(customer)) out.contacts_linked++;
    resolved.add(customer);
    if (open.has(customer)) continue;
    await db.run(`insert or ignore into contact_ownership (workspace_id, customer_id, staff_code, added_at, state) values ($ws, $c, $s, now(), 'reconciled')`, { ws, c: customer, s: code });
    open.add(customer);
    out.contacts_added++;
  }
  for (const c of open) {
    if (resolved.has(c)) continue;
    if (!withExternal.has(c)) {
      out.contacts_unmatched++;
      continue;
    }
    await db.run(`update contact_ownership set removed_at = now() where workspace_id = $ws and customer_id = $c and list_contains($codes, staff_code) and removed_at is null`, { ws, c, codes });
    out.contacts_closed++;
  }
}

/** The customers among `ids` that hold an external_userid of this corp. */
async function customersWithExternalId(app: App, cfg: WecomConfig, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await app.warehouse.all<{ c: number }>(
    `select distinct customer_id as c from customer_identifiers where workspace_id = $ws and id_type = 'external_userid' and namespace = $ns and list_contains($ids, customer_id)`,
    { ws: app.workspaceId, ns: cfg.corpId, ids },
  );
  return new Set(rows.map((r) => Number(r.c)));
}

/** The existing customer one of the contact's identifiers belongs to (the external_userid first), or null. */
async function matchCustomer(app: App, cfg: WecomConfig, c: ApiContact): Promise<number | null> {
  for (const id of contactIdentifiers(app.keys, cfg.corpId, c)) {
    const r = await app.warehouse.get<{ c: number }>(
      `select customer_id as c from customer_identifiers where workspace_id = $ws and id_type = $t and namespace = $ns and id_hash = $h`,
      { ws: app.workspaceId, t: id.type, ns: id.namespace, h: id.hash },
    );
    if (r) return Number(r.c);
  }
  return null;
}

async function reconcileGroups(app: App, cfg: WecomConfig, api: WecomApi, out: ReconcileResult): Promise<void> {
  const db = app.warehouse;
  const ws = app.workspaceId;
  let cursor = '';
  do {
    const page = await api.post('/cgi-bin/externalcontact/groupchat/list', { status_filter: 0, limit: 1000, cursor });
    for (const g of (page.group_chat_list as { chat_id: string }[]) ?? []) {
      const chat = (await api.post('/cgi-bin/externalcontact/groupchat/get', { chat_id: g.chat_id, need_name: 0 })).group_chat as { chat_id: string; name: string; owner: string; create_time: number; member_list: { userid: string; unionid?: string; type: number; join_time: number }[] };
      await db.run(
        `insert into community_groups (workspace_id, group_id, name, owner_staff_code, created_at) values ($ws, $g, $n, $o, epoch_ms(cast($t as bigint)))
         on conflict (workspace_id, group_id) do update set name = excluded.name, owner_staff_code = excluded.owner_staff_code, created_at = coalesce(community_groups.created_at, excluded.created_at)`,
        { ws, g: chat.chat_id, n: chat.name ?? '', o: chat.owner ? await staffCodeOf(app, chat.owner) : null, t: (chat.create_time ?? 0) * 1000 },
      );
      out.groups_updated++;
      const external = (chat.member_list ?? []).filter((m) => m.type === 2);
      const ids = await memberCustomers(app, cfg, external.map((m) => ({ externalUserId: m.userid, unionid: m.unionid ?? null, phones: [] })));
      const now = new Map<number, number>();
      ids.forEach((c, i) => c !== null && now.set(c, external[i].join_time));
      const open = (await db.all<{ c: number }>(`select customer_id as c from group_members where workspace_id = $ws and group_id = $g and left_at is null`, { ws, g: chat.chat_id })).map((r) => Number(r.c));
      const identified = await customersWithExternalId(app, cfg, open);
      for (const [c, joined] of now) {
        if (open.includes(c)) continue;
        await db.run(`insert or ignore into group_members (workspace_id, group_id, customer_id, joined_at) values ($ws, $g, $c, epoch_ms(cast($t as bigint)))`, { ws, g: chat.chat_id, c, t: (joined || Date.now() / 1000) * 1000 });
        out.members_added++;
      }
      for (const c of open) {
        // Only a member the API could have listed (one with an external_userid of this corp) is closed.
        if (now.has(c) || !identified.has(c)) continue;
        await db.run(`update group_members set left_at = now() where workspace_id = $ws and group_id = $g and customer_id = $c and left_at is null`, { ws, g: chat.chat_id, c });
        out.members_closed++;
      }
    }
    cursor = String(page.next_cursor ?? '');
  } while (cursor);
}
