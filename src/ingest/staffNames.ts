import type { App } from '../app/context.ts';
import { decrypt, keyedHash } from '../domain/privacy/cipher.ts';
import { tempAppender } from '../identity/temp.ts';

/** Columns that name a member of staff by code. */
const STAFF_COLUMNS = ['staff_code', 'owner_staff_code'];

/** A staff code as systems write it (G07, 1024, zhang.san@brand): ASCII letters, digits and `_ . : @ -`. */
const CODE = '[A-Za-z0-9_.:@-]+';

/**
 * Staff named by name instead of code (导购姓名 → 工号). Exports such as Youzan's put the guide's or cashier's NAME
 * in 销售导购 / 专属导购 / 收银员 / 导购员; a name is personal data and must not land in a plaintext column. A value
 * that does not look like a code (it has CJK characters or spaces) is taken as a name and replaced, in the staged
 * rows before anything is written or quarantined, by the code of the staff member with that name (names compared
 * after decrypting the staff table in memory), or else by a pseudonymous code `staff:<12 hex of a keyed hash>`:
 * the same name always gets the same code, so orders still group by guide, and the name never reaches the store.
 */
export async function resolveStaffNames(app: App, p: string, present: Set<string>): Promise<number> {
  const db = app.db;
  let replaced = 0;
  let byName: Map<string, string> | null = null;
  for (const col of STAFF_COLUMNS.filter((c) => present.has(c))) {
    const names = (await db.all<{ v: string }>(`select distinct ${col} as v from ${p}_rows where ${col} is not null and not regexp_full_match(${col}, '${CODE}')`)).map((r) => r.v);
    if (!names.length) continue;
    if (!byName) {
      byName = new Map();
      for (const s of await db.all<{ code: string; name_cipher: string }>(`select code, name_cipher from staff where workspace_id = $ws and name_cipher is not null`, { ws: app.workspaceId })) {
        try {
          byName.set(decrypt(app.keys, s.name_cipher).trim(), s.code);
        } catch { /* a key no longer in the ring: that name cannot match */ }
      }
    }
    await db.run(`create or replace temp table ${p}_staffname (name varchar, code varchar)`);
    const a = await tempAppender(db, `${p}_staffname`);
    for (const name of names) {
      a.appendVarchar(name);
      a.appendVarchar(byName.get(name.trim()) ?? `staff:${keyedHash(app.keys, 'staff_name', name.trim()).slice(0, 12)}`);
      a.endRow();
    }
    a.closeSync();
    await db.run(`update ${p}_rows set ${col} = m.code from ${p}_staffname m where ${p}_rows.${col} = m.name`);
    replaced += names.length;
  }
  return replaced;
}
