import type { App } from '../app/context.ts';
import { decrypt, keyedHash } from '../domain/privacy/cipher.ts';
import { tempAppender } from '../identity/temp.ts';

/** Columns that name a member of staff by code. */
const STAFF_COLUMNS = ['staff_code', 'owner_staff_code'];

/** A staff code as systems write it (G07, 1024, zhang.san@brand): ASCII letters, digits and `_ . : @ -`. */
const CODE = '[A-Za-z0-9_.:@-]+';

/**
 * Staff named by name or WeCom account instead of code (导购姓名 / 企业微信账号 → 工号), in the staged rows before
 * anything is written or quarantined:
 * - Exports such as Youzan's put the guide's or cashier's NAME in 销售导购 / 专属导购 / 收银员 / 导购员; a name is
 *   personal data and must not land in a plaintext column. A value that does not look like a code (it has CJK
 *   characters or spaces) is taken as a name and replaced by the code of the staff member with that name (names
 *   compared after decrypting the staff table in memory), or else by a pseudonymous code `staff:<12 hex of a keyed
 *   hash>`: the same name always gets the same code, so orders still group by guide, and the name never reaches the store.
 * - WeCom's 客户列表 gives 添加人账号, the guide's WeCom userid, which the staff file records apart from the code
 *   (`wecom_userid`, kept as a keyed hash): a value that is not a staff code but is a staff member's WeCom userid
 *   becomes that member's code.
 */
export async function resolveStaffNames(app: App, p: string, present: Set<string>): Promise<number> {
  const db = app.warehouse;
  let replaced = 0;
  const directory = new StaffDirectory(app);
  for (const col of STAFF_COLUMNS.filter((c) => present.has(c))) {
    const names = (await db.all<{ v: string }>(`select distinct ${col} as v from ${p}_rows where ${col} is not null and not regexp_full_match(${col}, '${CODE}')`)).map((r) => r.v);
    const byName = names.length ? await directory.byName() : new Map<string, string>();
    const renames: [string, string][] = names.map((name) => [name, byName.get(name.trim()) ?? `staff:${keyedHash(app.keys, 'staff_name', name.trim()).slice(0, 12)}`]);
    const byWecom = await directory.byWecomUserid();
    if (byWecom.size) {
      const accounts = await db.all<{ v: string }>(
        `select distinct ${col} as v from ${p}_rows where ${col} is not null and regexp_full_match(${col}, '${CODE}')
           and ${col} not in (select code from staff where workspace_id = $ws)`,
        { ws: app.workspaceId },
      );
      for (const { v } of accounts) {
        const code = byWecom.get(keyedHash(app.keys, 'wecom_userid', v));
        if (code) renames.push([v, code]);
      }
    }
    if (!renames.length) continue;
    await db.run(`create or replace temp table ${p}_staffname (name varchar, code varchar)`);
    const a = await tempAppender(db, `${p}_staffname`);
    for (const [name, code] of renames) {
      a.appendVarchar(name);
      a.appendVarchar(code);
      a.endRow();
    }
    a.closeSync();
    await db.run(`update ${p}_rows set ${col} = m.code from ${p}_staffname m where ${p}_rows.${col} = m.name`);
    replaced += renames.length;
  }
  return replaced;
}

/** The workspace's staff by name (decrypted in memory) and by WeCom userid hash, each read once and only if needed. */
class StaffDirectory {
  private names: Map<string, string> | null = null;
  private wecom: Map<string, string> | null = null;
  constructor(private readonly app: App) {}

  async byName(): Promise<Map<string, string>> {
    if (this.names) return this.names;
    this.names = new Map();
    for (const s of await this.app.warehouse.all<{ code: string; name_cipher: string }>(`select code, name_cipher from staff where workspace_id = $ws and name_cipher is not null`, { ws: this.app.workspaceId })) {
      try {
        this.names.set(decrypt(this.app.keys, s.name_cipher).trim(), s.code);
      } catch { /* a key no longer in the ring: that name cannot match */ }
    }
    return this.names;
  }

  async byWecomUserid(): Promise<Map<string, string>> {
    if (this.wecom) return this.wecom;
    const rows = await this.app.warehouse.all<{ code: string; h: string }>(`select code, wecom_userid_hash as h from staff where workspace_id = $ws and wecom_userid_hash is not null`, { ws: this.app.workspaceId });
    this.wecom = new Map(rows.map((r) => [r.h, r.code]));
    return this.wecom;
  }
}
