/**
 * Key rotation (密钥轮换): a new AES-256 key becomes active at once (new writes use it), then every `*_cipher`
 * column of every table of both stores (the warehouse's identifiers, the state store's write keys and WeCom secrets)
 * is re-encrypted in batches, each batch its own short transaction, so a running server keeps serving. Old keys stay in the keyring until no ciphertext uses them, then are retired. The HMAC key for
 * matching is not rotated (hashes cannot be recomputed without the plaintext of every historical identifier).
 */
import type { App } from '../app/context.ts';
import { paths } from '../config.ts';
import { decrypt, encrypt, type Keys } from '../domain/privacy/cipher.ts';
import { addActiveKey, loadKeys, retireKeys } from './keyring.ts';
import { auditAdmin } from './trail.ts';
import { baseTables, stateTables, isText, quoteIdent } from './dsr/person.ts';

export interface RotationResult {
  newKey: string;
  columns: { table: string; column: string; reencrypted: number }[];
  reencrypted: number;
  retired: string[];
  unreadable: number;
  seconds: number;
}

/** Every `*_cipher` column in the store, from the catalogue (so other areas' tables are included). */
export async function cipherColumns(app: Pick<App, 'warehouse' | 'workspaceId'>): Promise<{ table: string; column: string }[]> {
  return (await baseTables(app)).flatMap((t) => t.columns.filter((c) => c.name.endsWith('_cipher') && /VARCHAR/i.test(c.type)).map((c) => ({ table: t.table, column: c.name })));
}

/** Every `*_cipher` column of the state store, from its catalogue. */
export async function stateCipherColumns(app: Pick<App, 'state'>): Promise<{ table: string; column: string }[]> {
  return (await stateTables(app)).flatMap((t) => t.columns.filter((c) => c.name.endsWith('_cipher') && isText(c.type)).map((c) => ({ table: t.table, column: c.name })));
}

/** How many ciphertexts each key id encrypts, in both stores. */
export async function keyUsage(app: Pick<App, 'warehouse' | 'state' | 'workspaceId'>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const { table, column } of await cipherColumns(app)) {
    const rows = await app.warehouse.all<{ k: string; n: number }>(`select split_part(${quoteIdent(column)}, ':', 1) as k, count(*) as n from ${quoteIdent(table)} where ${quoteIdent(column)} is not null group by 1`);
    for (const r of rows) out[r.k] = (out[r.k] ?? 0) + Number(r.n);
  }
  // the state store's few ciphertexts (sources, WeCom secrets), counted here: the two engines split text differently
  for (const { table, column } of await stateCipherColumns(app)) {
    for (const r of await app.state.all<{ v: string }>(`select ${quoteIdent(column)} as v from ${quoteIdent(table)} where ${quoteIdent(column)} is not null`)) {
      const k = r.v.slice(0, Math.max(0, r.v.indexOf(':')));
      out[k] = (out[k] ?? 0) + 1;
    }
  }
  return out;
}

export async function rotateKeys(app: App, opts: { batch?: number; keepOld?: boolean; onProgress?: (done: number) => void } = {}): Promise<RotationResult> {
  const t0 = Date.now();
  const file = paths.keyring(app.dir);
  const newKey = addActiveKey(file);
  const keys = loadKeys(file);           // the shared object: this process now encrypts under newKey
  app.keys = keys;
  await auditAdmin(app, { what: 'keys.rotate.start', target: `key:${newKey}` });
  const batch = Math.max(100, opts.batch ?? 5000);
  const columns: RotationResult['columns'] = [];
  let total = 0;
  let unreadable = 0;
  for (const { table, column } of await cipherColumns(app)) {
    const col = quoteIdent(column);
    const tab = quoteIdent(table);
    let done = 0;
    let lastRowid = -1;
    for (;;) {
      const rows = await app.warehouse.all<{ rid: number; v: string }>(
        `select rowid as rid, ${col} as v from ${tab} where rowid > $after and ${col} is not null and not starts_with(${col}, $prefix) order by rowid limit $n`,
        { after: lastRowid, prefix: `${newKey}:`, n: batch },
      );
      if (!rows.length) break;
      lastRowid = Number(rows[rows.length - 1].rid);
      const values = rows.flatMap((r) => {
        try {
          return [{ rid: Number(r.rid), old: r.v, v: encrypt(keys, decrypt(keys, r.v)) }];
        } catch {
          unreadable++;           // under a key no longer held: left as is, reported
          return [];
        }
      });
      await app.warehouse.transaction(async () => {
        await app.warehouse.run('create or replace temp table siyu_rekey (rid bigint, old varchar, v varchar)');
        const ap = await app.warehouse.appender('siyu_rekey');
        for (const x of values) {
          ap.appendBigInt(BigInt(x.rid));
          ap.appendVarchar(x.old);
          ap.appendVarchar(x.v);
          ap.endRow();
        }
        ap.closeSync();
        // only rows still holding the value we read: a concurrent write wins
        await app.warehouse.run(`update ${tab} set ${col} = r.v from siyu_rekey r where ${tab}.rowid = r.rid and ${tab}.${col} = r.old`);
        await app.warehouse.run('drop table siyu_rekey');
      });
      done += values.length;
      total += values.length;
      opts.onProgress?.(total);
    }
    columns.push({ table, column, reencrypted: done });
  }
  for (const { table, column } of await stateCipherColumns(app)) {
    const r = await rekeyState(app, keys, newKey, table, column, batch);
    columns.push({ table, column, reencrypted: r.done });
    total += r.done;
    unreadable += r.unreadable;
    opts.onProgress?.(total);
  }
  const usage = await keyUsage(app);
  const old = [...keys.aes.keys()].filter((k) => k !== newKey);
  const unused = old.filter((k) => !usage[k]);
  if (!opts.keepOld && unused.length) {
    retireKeys(file, unused);
    loadKeys(file);
  }
  const retired = opts.keepOld ? [] : unused;
  await auditAdmin(app, { what: 'keys.rotate', target: `key:${newKey}`, detail: { reencrypted: total, columns: columns.length, retired, unreadable } });
  return { newKey, columns, reencrypted: total, retired, unreadable, seconds: (Date.now() - t0) / 1000 };
}


/**
 * One `*_cipher` column of the state store, re-encrypted in batches walked by value (a ciphertext is unique), each
 * value compare-and-set so a concurrent write wins.
 */
async function rekeyState(app: App, keys: Keys, newKey: string, table: string, column: string, batch: number): Promise<{ done: number; unreadable: number }> {
  const col = quoteIdent(column);
  const tab = quoteIdent(table);
  let done = 0;
  let unreadable = 0;
  let after = '';
  for (;;) {
    const rows = await app.state.all<{ v: string }>(
      `select ${col} as v from ${tab} where ${col} is not null and ${col} > cast($after as text) and substr(${col}, 1, length(cast($prefix as text))) <> cast($prefix as text) order by ${col} limit ${batch}`,
      { after, prefix: `${newKey}:` },
    );
    if (!rows.length) break;
    after = rows[rows.length - 1].v;
    await app.state.transaction(async () => {
      for (const r of rows) {
        let v: string;
        try {
          v = encrypt(keys, decrypt(keys, r.v));
        } catch {
          unreadable++;
          continue;
        }
        done += await app.state.run(`update ${tab} set ${col} = $v where ${col} = $old`, { v, old: r.v });
      }
    });
  }
  return { done, unreadable };
}
