import type { App } from '../app/context.ts';

/**
 * Sources of a store made before they moved to the state store: its warehouse still holds `collect_sources` and
 * `collect_wecom` (migrations 020, 023), the state store none. They are copied over once — same ids (events, counters
 * and dead letters refer to them), same key digests and ciphertexts, trust `client` — before the first read or write
 * of sources, so every SDK keeps its write key across the upgrade. Idempotent (rows already there are left alone).
 */
const adopted = new Set<string>();

export async function adoptWarehouseSources(app: App): Promise<number> {
  const memo = `${app.dir}\u0000${app.state.location}`;
  if (adopted.has(memo)) return 0;
  const has = await app.warehouse.scalar(`select count(*) from information_schema.tables where table_schema = 'main' and table_name = 'collect_sources'`);
  if (!has || (await app.warehouse.scalar('select count(*) from collect_sources')) === 0) {
    adopted.add(memo);
    return 0;
  }
  const sources = await app.warehouse.all<{ workspace_id: number; id: number; name: string; kind: string; h: string; c: string; m: string; at: number }>(
    `select workspace_id, id, name, kind, write_key_sha256 as h, write_key_cipher as c, write_key_masked as m, epoch_ms(created_at) as at from collect_sources order by id`,
  );
  const wecom = await app.warehouse.all<{ workspace_id: number; source_id: number; corp_id: string; t: string; k: string; s: string | null; api: string; rec: number | null }>(
    `select workspace_id, source_id, corp_id, token_cipher as t, aes_key_cipher as k, secret_cipher as s, api_base as api, epoch_ms(last_reconciled_at) as rec from collect_wecom`,
  );
  let copied = 0;
  await app.state.transaction(async () => {
    for (const s of sources) {
      copied += await app.state.run(
        `insert into collect_sources (id, workspace_id, name, kind, trust, write_key_sha256, write_key_cipher, write_key_masked, settings, created_at)
         values ($id, $ws, $n, $k, $t, $h, $c, $m, '{}', $at) on conflict do nothing`,
        { id: Number(s.id), ws: Number(s.workspace_id), n: s.name, k: s.kind, t: s.kind === 'wecom' ? 'server' : 'client', h: s.h, c: s.c, m: s.m, at: Number(s.at) },
      );
    }
    for (const w of wecom) {
      await app.state.run(
        `insert into collect_wecom (workspace_id, source_id, corp_id, token_cipher, aes_key_cipher, secret_cipher, api_base, last_reconciled_at)
         values ($ws, $sid, $corp, $t, $k, $s, $api, $rec) on conflict do nothing`,
        { ws: Number(w.workspace_id), sid: Number(w.source_id), corp: w.corp_id, t: w.t, k: w.k, s: w.s, api: w.api, rec: w.rec === null ? null : Number(w.rec) },
      );
    }
    // PostgreSQL's identity column does not move past ids inserted explicitly (SQLite's autoincrement does).
    if (app.state.dialect === 'postgres') await app.state.run(`select setval(pg_get_serial_sequence('collect_sources', 'id'), (select max(id) from collect_sources))`);
  });
  adopted.add(memo);
  return copied;
}
