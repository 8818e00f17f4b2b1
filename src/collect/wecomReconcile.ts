import type { App } from '../app/context.ts';
import type { WecomConfig } from './wecomStore.ts';
import { customerOf } from './wecomApply.ts';
import { UserError } from '../errors.ts';

/**
 * The reconciler (对账): changes made through the WeCom API fire no callback and group details lag the event,
 * so the contacts of every guide and every customer group are re-read through the API and diffed with what the
 * callbacks built. Missing contacts and members are added, ones no longer there are closed, group names and
 * owners are filled in. Returns the differences it fixed.
 */
export interface ReconcileResult {
  contacts_added: number;
  contacts_closed: number;
  groups_updated: number;
  members_added: number;
  members_closed: number;
}

export async function reconcileWecom(app: App, cfg: WecomConfig, fetchImpl: typeof fetch = fetch): Promise<ReconcileResult> {
  if (!cfg.secret) throw new UserError('no_wecom_secret', `Source '${cfg.name}' has no API secret; create it with --secret to reconcile.`, `数据源 '${cfg.name}' 未配置 API secret，无法对账。`);
  const api = async (path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const r = await fetchImpl(`${cfg.apiBase}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const j = (await r.json()) as Record<string, unknown>;
    if (j.errcode && j.errcode !== 0) throw new UserError('wecom_api', `WeCom API ${path.split('?')[0]} answered errcode ${String(j.errcode)}.`, `企业微信接口 ${path.split('?')[0]} 返回错误码 ${String(j.errcode)}。`, 502);
    return j;
  };
  const token = String((await api(`/cgi-bin/gettoken?corpid=${encodeURIComponent(cfg.corpId)}&corpsecret=${encodeURIComponent(cfg.secret)}`)).access_token);
  const t = `access_token=${encodeURIComponent(token)}`;
  const out: ReconcileResult = { contacts_added: 0, contacts_closed: 0, groups_updated: 0, members_added: 0, members_closed: 0 };
  const ws = app.workspaceId;
  const db = app.warehouse;
  const staff = ((await api(`/cgi-bin/externalcontact/get_follow_user_list?${t}`)).follow_user as string[]) ?? [];
  await db.transaction(async () => {
    for (const s of staff) {
      const ext = ((await api(`/cgi-bin/externalcontact/list?${t}&userid=${encodeURIComponent(s)}`)).external_userid as string[]) ?? [];
      const ids = (await customerOf(app, cfg, ext)).filter((x): x is number => x !== null);
      const open = new Set((await db.all<{ c: number }>(`select customer_id as c from contact_ownership where workspace_id = $ws and staff_code = $s and removed_at is null`, { ws, s })).map((r) => r.c));
      const now = new Set(ids);
      for (const c of now) {
        if (open.has(c)) continue;
        await db.run(`insert or ignore into contact_ownership (workspace_id, customer_id, staff_code, added_at, state) values ($ws, $c, $s, now(), 'reconciled')`, { ws, c, s });
        out.contacts_added++;
      }
      for (const c of open) {
        if (now.has(c)) continue;
        await db.run(`update contact_ownership set removed_at = now() where workspace_id = $ws and customer_id = $c and staff_code = $s and removed_at is null`, { ws, c, s });
        out.contacts_closed++;
      }
    }
    let cursor = '';
    do {
      const page = await api(`/cgi-bin/externalcontact/groupchat/list?${t}`, { status_filter: 0, limit: 1000, cursor });
      for (const g of (page.group_chat_list as { chat_id: string }[]) ?? []) {
        const chat = (await api(`/cgi-bin/externalcontact/groupchat/get?${t}`, { chat_id: g.chat_id, need_name: 0 })).group_chat as { chat_id: string; name: string; owner: string; create_time: number; member_list: { userid: string; type: number; join_time: number }[] };
        await db.run(
          `insert into community_groups (workspace_id, group_id, name, owner_staff_code, created_at) values ($ws, $g, $n, $o, epoch_ms(cast($t as bigint)))
           on conflict (workspace_id, group_id) do update set name = excluded.name, owner_staff_code = excluded.owner_staff_code, created_at = coalesce(community_groups.created_at, excluded.created_at)`,
          { ws, g: chat.chat_id, n: chat.name ?? '', o: chat.owner ?? null, t: (chat.create_time ?? 0) * 1000 },
        );
        out.groups_updated++;
        const external = (chat.member_list ?? []).filter((m) => m.type === 2);
        const ids = await customerOf(app, cfg, external.map((m) => m.userid));
        const now = new Map<number, number>();
        ids.forEach((c, i) => c !== null && now.set(c, external[i].join_time));
        const open = new Set((await db.all<{ c: number }>(`select customer_id as c from group_members where workspace_id = $ws and group_id = $g and left_at is null`, { ws, g: chat.chat_id })).map((r) => r.c));
        for (const [c, joined] of now) {
          if (open.has(c)) continue;
          await db.run(`insert or ignore into group_members (workspace_id, group_id, customer_id, joined_at) values ($ws, $g, $c, epoch_ms(cast($t as bigint)))`, { ws, g: chat.chat_id, c, t: (joined || Date.now() / 1000) * 1000 });
          out.members_added++;
        }
        for (const c of open) {
          if (now.has(c)) continue;
          await db.run(`update group_members set left_at = now() where workspace_id = $ws and group_id = $g and customer_id = $c and left_at is null`, { ws, g: chat.chat_id, c });
          out.members_closed++;
        }
      }
      cursor = String(page.next_cursor ?? '');
    } while (cursor);
    await db.run(`update collect_wecom set last_reconciled_at = now() where workspace_id = $ws and source_id = $s`, { ws, s: cfg.sourceId });
  });
  return out;
}
