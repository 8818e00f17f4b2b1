import { createHash, randomBytes } from 'node:crypto';
import type { App } from '../app/context.ts';
import type { Warehouse } from '../store/interfaces.ts';
import { encrypt, decrypt } from '../domain/privacy/cipher.ts';
import { UserError } from '../errors.ts';

/**
 * Collection sources (数据源) and their write keys. A write key is a bearer credential embedded in SDK config (and
 * so in web pages): it only lets its holder send events to its own source. Lookup is by SHA-256; the key is kept
 * encrypted so `siyu sources show --reveal` can print it again (audited).
 */
export interface Source {
  id: number;
  name: string;
  kind: string;
}

export interface SourceRow extends Source {
  write_key_masked: string;
  created_at: string;
  events: number;
  duplicates: number;
  profile_updates: number;
  last_seen_at: string | null;
}

const NAME = /^[\p{L}\p{N}_.-]{1,64}$/u;
export const SOURCE_KINDS = ['tracking', 'sensors', 'wecom'] as const;

export function keyDigest(writeKey: string): string {
  return createHash('sha256').update(writeKey).digest('hex');
}

export async function createSource(app: App, name: string, kind = 'tracking'): Promise<Source & { write_key: string }> {
  if (!NAME.test(name)) throw new UserError('bad_source_name', `A source name is 1–64 letters, digits, '_', '.' or '-', not '${name}'.`, `数据源名称须为 1–64 个字母、数字、'_'、'.' 或 '-'，而不是 '${name}'。`);
  if (!(SOURCE_KINDS as readonly string[]).includes(kind)) throw new UserError('bad_source_kind', `--kind must be one of ${SOURCE_KINDS.join(', ')}.`, `--kind 必须是 ${SOURCE_KINDS.join('、')} 之一。`);
  const taken = await app.warehouse.scalar('select count(*) from collect_sources where workspace_id = $ws and name = $n', { ws: app.workspaceId, n: name });
  if (taken) throw new UserError('source_exists', `A source named '${name}' already exists.`, `名为 '${name}' 的数据源已存在。`, 409);
  const writeKey = `sk_${randomBytes(24).toString('base64url')}`;
  const id = await app.warehouse.scalar(`select nextval('collect_source_id_seq')`);
  await app.warehouse.run(
    `insert into collect_sources (workspace_id, id, name, kind, write_key_sha256, write_key_cipher, write_key_masked) values ($ws, $id, $n, $k, $h, $c, $m)`,
    { ws: app.workspaceId, id, n: name, k: kind, h: keyDigest(writeKey), c: encrypt(app.keys, writeKey), m: `${writeKey.slice(0, 6)}…${writeKey.slice(-4)}` },
  );
  await app.audit({ actor: app.actor, action: 'collect.source.create', target: `source:${id}`, detail: { name, kind } });
  return { id, name, kind, write_key: writeKey };
}

export async function sourceByKey(db: Warehouse, writeKey: string): Promise<Source | null> {
  const r = await db.get<{ id: number; name: string; kind: string }>('select id, name, kind from collect_sources where write_key_sha256 = $h', { h: keyDigest(writeKey) });
  return r ?? null;
}

export async function listSources(app: App): Promise<SourceRow[]> {
  return app.warehouse.all<SourceRow & Record<string, unknown>>(
    `select s.id, s.name, s.kind, s.write_key_masked, s.created_at, coalesce(t.events, 0) as events, coalesce(t.duplicates, 0) as duplicates,
            coalesce(t.profile_updates, 0) as profile_updates, t.last_seen_at
     from collect_sources s left join collect_source_stats t on t.workspace_id = s.workspace_id and t.source_id = s.id
     where s.workspace_id = $ws order by s.id`,
    { ws: app.workspaceId },
  );
}

/** The write key in clear, for an operator who lost it; the read is audited. */
export async function revealWriteKey(app: App, name: string): Promise<string> {
  const r = await app.warehouse.get<{ id: number; c: string }>('select id, write_key_cipher as c from collect_sources where workspace_id = $ws and name = $n', { ws: app.workspaceId, n: name });
  if (!r) throw new UserError('no_source', `There is no source named '${name}'.`, `没有名为 '${name}' 的数据源。`, 404);
  await app.audit({ actor: app.actor, action: 'collect.source.reveal_key', target: `source:${r.id}` });
  return decrypt(app.keys, r.c);
}
