import type { App } from '../../app/context.ts';
import { encrypt, encryptMany, decrypt, keyedHash } from '../../domain/privacy/cipher.ts';
import { maskName } from '../../domain/privacy/mask.ts';
import { tempAppender, pages } from '../../identity/temp.ts';
import { cols, GOOD, type WriteResult } from './sql.ts';
import { stageImportTags, writeImportTags } from './customerTags.ts';

/**
 * Customer attributes onto the resolved customers: per customer the latest non-empty value of each column wins
 * (a re-import writes the same values: nothing changes). Name and birthday are encrypted here, in JS, once per
 * customer; the database sees ciphertext and a masked name only.
 */
export async function writeCustomers(app: App, p: string, present: Set<string>): Promise<WriteResult> {
  const db = app.warehouse;
  const c = cols(present);
  const latest = (expr: string, as: string) => `arg_max(${expr}, r._row) filter (where ${expr} is not null) as ${as}`;
  const attrs: [string, string][] = [
    ['gender', c.typed('gender')],
    ['province', c.has('province') ? `coalesce(r.t_province, ${c.has('city') ? 'r.t_city_province, ' : ''}r.province)` : c.has('city') ? 'r.t_city_province' : 'null'],
    ['city', c.has('city') ? 'coalesce(r.t_city, r.city)' : 'null'],
    ['city_tier', c.has('city') ? 'r.t_city_tier' : 'null'],
    ['acquisition_channel', c.raw('acquisition_channel')], ['acquired_at', c.typed('acquired_at')], ['registered_at', c.typed('registered_at')],
    ['member_tier', c.raw('member_tier')], ['owner_staff_code', c.raw('owner_staff_code')], ['home_store_code', c.raw('home_store_code')],
    ['birth_year', c.has('birthday') ? 'year(r.t_birthday)' : 'null'], ['birth_md', c.has('birthday') ? `strftime(r.t_birthday, '%m-%d')` : 'null'],
    ['is_minor', c.has('birthday') ? `r.t_birthday > current_date - interval 14 year` : 'null'],
    ['traits', c.has('_traits') ? 'r._traits' : 'null'],
  ].filter(([, e]) => e !== 'null') as [string, string][];
  await db.run(
    `create temp table ${p}_cust as select rc.customer_id, ${[...attrs.map(([k, e]) => latest(e, k)), latest(c.raw('name'), '_name'), latest(c.has('birthday') ? 'r.t_birthday::varchar' : 'null', '_birthday')].join(', ')},
       (row_number() over ())::bigint as k
     from ${p}_rows r join ${p}_rc rc using (_row) where ${GOOD} group by rc.customer_id`,
  );
  const n = await db.scalar(`select count(*) from ${p}_cust`);
  await db.run(`create temp table ${p}_cpii (customer_id bigint, name_cipher varchar, name_masked varchar, birthday_cipher varchar)`);
  if (c.has('name') || c.has('birthday')) {
    const a = await tempAppender(db, `${p}_cpii`);
    for await (const page of pages<{ customer_id: number; _name: string | null; _birthday: string | null }>(db, `select customer_id, _name, _birthday from ${p}_cust where k between $a and $b`, n, 100_000)) {
      const names = encryptMany(app.keys, page.map((r) => r._name ?? ''));
      const birthdays = encryptMany(app.keys, page.map((r) => r._birthday ?? ''));
      page.forEach((r, i) => {
        a.appendBigInt(BigInt(r.customer_id));
        if (r._name) {
          a.appendVarchar(names[i]);
          a.appendVarchar(maskName(r._name));
        } else {
          a.appendNull();
          a.appendNull();
        }
        if (r._birthday) a.appendVarchar(birthdays[i]);
        else a.appendNull();
        a.endRow();
      });
      a.flushSync();
    }
    a.closeSync();
  }
  // What this file changes, for the summary: rows whose customer is new count as imported; rows whose stored
  // customer gained an identifier, was merged or gets a different attribute value as updated; the other good rows as
  // unchanged (rows = imported + updated + unchanged + rejected).
  const differs = attrs.map(([k]) => (k === 'traits'
    ? `(x.traits is not null and (c.traits is null or json_merge_patch(c.traits, x.traits)::varchar <> c.traits::varchar))`
    : `(x.${k} is not null and x.${k} is distinct from c.${k})`));
  differs.push('(x.name_cipher is not null and c.name_cipher is null)', '(x.birthday_cipher is not null and c.birthday_cipher is null)');
  // A name or birthday the customer already has: decrypted here (in memory, never stored) and compared.
  await db.run(`create temp table ${p}_piichg (customer_id bigint)`);
  await db.run(
    `create temp table ${p}_piiold as select (row_number() over ())::bigint as k, u.customer_id, u._name, c.name_cipher as old_name, u._birthday, c.birthday_cipher as old_birthday
     from ${p}_cust u join customers c on c.workspace_id = $ws and c.id = u.customer_id
     where (u._name is not null and c.name_cipher is not null) or (u._birthday is not null and c.birthday_cipher is not null)`,
    { ws: app.workspaceId },
  );
  const nold = await db.scalar(`select count(*) from ${p}_piiold`);
  if (nold) {
    const pc = await tempAppender(db, `${p}_piichg`);
    const same = (cipher: string | null, plain: string | null) => {
      if (!cipher || !plain) return true;
      try {
        return decrypt(app.keys, cipher) === plain;
      } catch {
        return false;
      }
    };
    for await (const page of pages<{ customer_id: number; _name: string | null; old_name: string | null; _birthday: string | null; old_birthday: string | null }>(db, `select customer_id, _name, old_name, _birthday, old_birthday from ${p}_piiold where k between $a and $b`, nold, 100_000)) {
      for (const r of page) {
        if (same(r.old_name, r._name) && same(r.old_birthday, r._birthday)) continue;
        pc.appendBigInt(BigInt(r.customer_id));
        pc.endRow();
      }
    }
    pc.closeSync();
  }
  const extra = (await db.all<{ t: string }>(`select table_name as t from duckdb_tables() where temporary and table_name in ($a, $b, $c)`, { a: `${p}_newc`, b: `${p}_newids`, c: `${p}_mg` })).map((r) => r.t);
  // Tags (customer_tags, source import) the customers do not carry yet change them too.
  if (c.has('tags')) await stageImportTags(db, p, app.workspaceId);
  const also = extra.map((t) => (t.endsWith('_newc') ? ` union select id from ${t}` : t.endsWith('_newids') ? ` union select customer_id from ${t}` : ` union select final from ${t}`)).join('')
    + (c.has('tags') ? ` union select customer_id from ${p}_tagnew` : '');
  // The file's value per customer, its name and birthday encrypted.
  const x = `(select u.*, pii.name_cipher, pii.name_masked, pii.birthday_cipher from ${p}_cust u left join ${p}_cpii pii using (customer_id))`;
  await db.run(
    `create temp table ${p}_chg as select x.customer_id from ${x} x
     join customers c on c.workspace_id = $ws and c.id = x.customer_id where ${differs.join(' or ')}${also} union select customer_id from ${p}_piichg`,
    { ws: app.workspaceId },
  );
  const good = await db.scalar(`select count(*) from ${p}_rows r where ${GOOD}`);
  // New customers (created by this file's identity resolution): inserted whole, one INSERT … SELECT.
  const fresh = extra.find((t) => t.endsWith('_newc'));
  const counted = await db.get<{ imported: number; updated: number }>(
    `select count(*) filter (where ${fresh ? `rc.customer_id in (select id from ${fresh})` : 'false'}) as imported, count(*) filter (where ${fresh ? `rc.customer_id not in (select id from ${fresh})` : 'true'}) as updated
     from ${p}_rows r join ${p}_rc rc using (_row) where ${GOOD} and rc.customer_id in (select customer_id from ${p}_chg)`,
  );
  const imported = Number(counted?.imported ?? 0);
  const updated = Number(counted?.updated ?? 0);
  if (fresh) {
    const names = [...attrs.map(([k]) => k), 'name_cipher', 'name_masked', 'birthday_cipher'];
    await db.run(
      `insert into customers (workspace_id, id, ${names.join(', ')}) select $ws, n.id, ${names.map((k) => (k === 'is_minor' ? 'coalesce(x.is_minor, false)' : `x.${k}`)).join(', ')}
       from ${fresh} n left join ${x} x on x.customer_id = n.id order by n.id`,
      { ws: app.workspaceId },
    );
  }
  // Existing customers: only those with something new (updating every row of a re-import costs memory DuckDB cannot
  // spill); a name or birthday is re-encrypted only when it changed.
  const sets = attrs.map(([k]) => (k === 'traits' ? `traits = case when x.traits is null then customers.traits when customers.traits is null then x.traits else json_merge_patch(customers.traits, x.traits) end` : `${k} = coalesce(x.${k}, customers.${k})`));
  sets.push('name_cipher = coalesce(x.name_cipher, customers.name_cipher)', 'name_masked = coalesce(x.name_masked, customers.name_masked)', 'birthday_cipher = coalesce(x.birthday_cipher, customers.birthday_cipher)', 'updated_at = current_timestamp');
  await db.run(
    `update customers set ${sets.join(', ')} from ${x} x
     where customers.workspace_id = $ws and customers.id = x.customer_id
       and x.customer_id in (select customer_id from ${p}_chg)${fresh ? ` and x.customer_id not in (select id from ${fresh})` : ''}`,
    { ws: app.workspaceId },
  );
  if (c.has('tags')) await writeImportTags(db, p, app.workspaceId);
  return { imported, updated, unchanged: good - imported - updated };
}

/** Staff: upsert by code; the name encrypted and masked, the WeCom userid kept only as a keyed hash. */
export async function writeStaff(app: App, p: string, present: Set<string>): Promise<WriteResult> {
  const db = app.warehouse;
  const c = cols(present);
  await db.run(`create temp table ${p}_st as select (row_number() over ())::bigint as k, r.code, ${c.raw('name')} as name, ${c.raw('wecom_userid')} as wecom_userid from ${p}_rows r where ${GOOD} qualify row_number() over (partition by r.code order by r._row desc) = 1`);
  const n = await db.scalar(`select count(*) from ${p}_st`);
  await db.run(`create temp table ${p}_stp (code varchar, name_cipher varchar, name_masked varchar, wecom_userid_hash varchar)`);
  const a = await tempAppender(db, `${p}_stp`);
  for await (const page of pages<{ code: string; name: string | null; wecom_userid: string | null }>(db, `select code, name, wecom_userid from ${p}_st where k between $a and $b`, n)) {
    for (const r of page) {
      a.appendVarchar(r.code);
      if (r.name) {
        a.appendVarchar(encrypt(app.keys, r.name));
        a.appendVarchar(maskName(r.name));
      } else {
        a.appendNull();
        a.appendNull();
      }
      if (r.wecom_userid) a.appendVarchar(keyedHash(app.keys, 'wecom_userid', r.wecom_userid));
      else a.appendNull();
      a.endRow();
    }
  }
  a.closeSync();
  const updated = await staffUpdated(app, p, present);
  const before = await db.scalar(`select count(*) from staff where workspace_id = $ws`, { ws: app.workspaceId });
  await db.run(
    `insert into staff (workspace_id, code, name_cipher, name_masked, store_code, role, wecom_userid_hash, joined_at)
     select $ws, r.code, s.name_cipher, s.name_masked, ${c.raw('store_code')}, ${c.raw('role')}, s.wecom_userid_hash, ${c.typed('joined_at')}
     from ${p}_rows r join ${p}_stp s using (code) where ${GOOD} qualify row_number() over (partition by r.code order by r._row desc) = 1
     on conflict (workspace_id, code) do update set name_cipher = coalesce(excluded.name_cipher, staff.name_cipher), name_masked = coalesce(excluded.name_masked, staff.name_masked),
       store_code = coalesce(excluded.store_code, staff.store_code), role = coalesce(excluded.role, staff.role),
       wecom_userid_hash = coalesce(excluded.wecom_userid_hash, staff.wecom_userid_hash), joined_at = coalesce(excluded.joined_at, staff.joined_at)`,
    { ws: app.workspaceId },
  );
  const after = await db.scalar(`select count(*) from staff where workspace_id = $ws`, { ws: app.workspaceId });
  return { imported: after - before, updated, unchanged: n - (after - before) - updated };
}

/** Stored staff members the file changes: a non-empty cell with another value (the name compared decrypted, in memory). */
async function staffUpdated(app: App, p: string, present: Set<string>): Promise<number> {
  const c = cols(present);
  const rows = await app.warehouse.all<{ name: string | null; name_cipher: string | null; other: boolean }>(
    `select st.name, t.name_cipher,
       (${c.raw('store_code')} is not null and ${c.raw('store_code')} is distinct from t.store_code) or (${c.raw('role')} is not null and ${c.raw('role')} is distinct from t.role)
       or (${c.typed('joined_at')} is not null and ${c.typed('joined_at')} is distinct from t.joined_at)
       or (s.wecom_userid_hash is not null and s.wecom_userid_hash is distinct from t.wecom_userid_hash) as other
     from ${p}_rows r join ${p}_stp s using (code) join ${p}_st st using (code) join staff t on t.workspace_id = $ws and t.code = r.code
     where ${GOOD} qualify row_number() over (partition by r.code order by r._row desc) = 1`,
    { ws: app.workspaceId },
  );
  const renamed = (name: string | null, cipher: string | null) => {
    if (!name) return false;
    if (!cipher) return true;
    try {
      return decrypt(app.keys, cipher) !== name;
    } catch {
      return true;
    }
  };
  return rows.filter((r) => r.other || renamed(r.name, r.name_cipher)).length;
}
