import { randomBytes } from 'node:crypto';
import type { App } from '../app/context.ts';
import { encrypt, decrypt } from '../domain/privacy/cipher.ts';
import { isDuplicateKey } from '../store/errors.ts';
import { UserError } from '../errors.ts';
import { keyDigest, sourcesChanged } from './sourceCache.ts';
import { adoptWarehouseSources } from './legacySources.ts';

export { keyDigest };

/**
 * Collection sources (数据源) and their write keys, kept in the state store (`collect_sources`). A write key is a
 * bearer credential embedded in SDK config; only its SHA-256 is used for lookup, the key is kept encrypted so
 * `siyu sources show-key` can print it again (audited).
 *
 * Trust (docs/collect.md, "Trust"): a *client* source's key may be public (a web page, a mini-program), so what it
 * sends is taken as a claim — its events are stored, its phone / e-mail / unionid are kept as unverified claims,
 * never as join keys, profile fields it did not set first are not overwritten, and consent comes from it only when
 * `settings.capture_consent` is on and the event carries its evidence. A *server* source (secret key, the brand's
 * back end) identifies and sets profiles as an import does.
 */
export type SourceTrust = 'client' | 'server';
export const SOURCE_TRUSTS: SourceTrust[] = ['client', 'server'];

export interface SourceSettings {
  /** A client source may record consent changes (never third_party or a sensitive class) that carry their evidence. */
  capture_consent?: boolean;
}

export interface Source {
  id: number;
  name: string;
  kind: string;
  trust: SourceTrust;
  settings: SourceSettings;
}

const NAME = /^[\p{L}\p{N}_.-]{1,64}$/u;

/** Could a source have this name? (A lookup of one that cannot is skipped: PostgreSQL refuses a NUL in a parameter.) */
export function isSourceName(name: string): boolean {
  return NAME.test(name);
}
export const SOURCE_KINDS = ['tracking', 'sensors', 'wecom'] as const;

export interface SourceSpec {
  kind?: string;
  trust?: string;
  settings?: SourceSettings;
}

/**
 * A source's spec as the CLI and the API take it: `--kind server` is short for `--kind tracking --trust server` (the
 * brand's back end sending with a secret key); `--capture-consent` turns on the client setting.
 */
export function sourceSpec(o: { kind?: string; trust?: string; captureConsent?: boolean }): SourceSpec {
  let { kind, trust } = o;
  if (kind === 'server') {
    if (trust && trust !== 'server') throw new UserError('bad_source_trust', '--kind server is a server source; it cannot have --trust client.', '--kind server 即服务端数据源，不能同时指定 --trust client。');
    kind = 'tracking';
    trust = 'server';
  }
  return { kind, trust, settings: o.captureConsent ? { capture_consent: true } : {} };
}

/** Checks a new source's name, kind, trust and settings; throws a UserError naming what is wrong. */
export function checkSourceSpec(name: string, o: SourceSpec): { kind: string; trust: SourceTrust; settings: SourceSettings } {
  if (!NAME.test(name)) throw new UserError('bad_source_name', `A source name is 1–64 letters, digits, '_', '.' or '-', not '${name}'.`, `数据源名称须为 1–64 个字母、数字、'_'、'.' 或 '-'，而不是 '${name}'。`);
  const kind = o.kind ?? 'tracking';
  if (!(SOURCE_KINDS as readonly string[]).includes(kind)) throw new UserError('bad_source_kind', `--kind must be one of ${SOURCE_KINDS.join(', ')}, or server.`, `--kind 必须是 ${SOURCE_KINDS.join('、')} 或 server 之一。`);
  // A WeCom source is authenticated by WeCom's signature, not by its write key: it is a server source.
  const trust = o.trust ?? (kind === 'wecom' ? 'server' : 'client');
  if (!(SOURCE_TRUSTS as string[]).includes(trust)) throw new UserError('bad_source_trust', `--trust must be client or server, not '${trust}'.`, `--trust 必须是 client 或 server，而不是 '${trust}'。`);
  const settings: SourceSettings = {};
  for (const [k, v] of Object.entries(o.settings ?? {})) {
    if (k !== 'capture_consent' || typeof v !== 'boolean') throw new UserError('bad_source_settings', `Unknown source setting '${k}' (known: capture_consent, a boolean).`, `未知的数据源设置 '${k}'（可用：capture_consent，布尔值）。`);
    settings.capture_consent = v;
  }
  if (settings.capture_consent && trust === 'server') delete settings.capture_consent;
  return { kind, trust: trust as SourceTrust, settings };
}

/**
 * Creates a source and returns its write key (shown once). `kind: 'wecom'` needs its configuration: use
 * createWecomSource, which calls `insertSource` inside its own transaction.
 */
export async function createSource(app: App, name: string, o: SourceSpec = {}): Promise<Source & { write_key: string }> {
  if (o.kind === 'wecom') throw new UserError('wecom_needs_config', 'A WeCom source needs its corp id, Token and EncodingAESKey (--corp-id, --token, --aes-key).', '企业微信数据源需要企业 ID、Token 与 EncodingAESKey（--corp-id、--token、--aes-key）。');
  const s = await insertSource(app, name, o);
  await sourcesChanged(app.dir);
  return s;
}

/** The insert of a new source (the caller's transaction, if any); audited. */
export async function insertSource(app: App, name: string, o: SourceSpec): Promise<Source & { write_key: string }> {
  const { kind, trust, settings } = checkSourceSpec(name, o);
  await adoptWarehouseSources(app);
  const writeKey = newWriteKey();
  let id: number;
  try {
    const row = await app.state.get<{ id: number }>(
      `insert into collect_sources (workspace_id, name, kind, trust, write_key_sha256, write_key_cipher, write_key_masked, settings, created_at)
       values ($ws, $n, $k, $t, $h, $c, $m, $s, $at) returning id`,
      { ws: app.workspaceId, n: name, k: kind, t: trust, ...keyColumns(app, writeKey), s: JSON.stringify(settings), at: Date.now() },
    );
    id = Number(row!.id);
  } catch (e) {
    if (isDuplicateKey(e)) throw new UserError('source_exists', `A source named '${name}' already exists.`, `名为 '${name}' 的数据源已存在。`, 409);
    throw e;
  }
  await app.audit({ actor: app.actor, action: 'collect.source.create', target: `source:${id}`, detail: { name, kind, trust, settings } });
  return { id, name, kind, trust, settings, write_key: writeKey };
}

/** Gives a source a new write key (the old one stops working within a second on every server); audited. */
export async function rotateWriteKey(app: App, name: string): Promise<{ id: number; name: string; write_key: string }> {
  await adoptWarehouseSources(app);
  const writeKey = newWriteKey();
  const row = await app.state.get<{ id: number }>(
    `update collect_sources set write_key_sha256 = $h, write_key_cipher = $c, write_key_masked = $m where workspace_id = $ws and name = $n returning id`,
    { ws: app.workspaceId, n: name, ...keyColumns(app, writeKey) },
  );
  if (!row) throw noSource(name);
  await app.audit({ actor: app.actor, action: 'collect.source.rotate_key', target: `source:${row.id}` });
  await sourcesChanged(app.dir);
  return { id: Number(row.id), name, write_key: writeKey };
}

function newWriteKey(): string {
  return `sk_${randomBytes(24).toString('base64url')}`;
}

function keyColumns(app: App, writeKey: string): { h: string; c: string; m: string } {
  return { h: keyDigest(writeKey), c: encrypt(app.keys, writeKey), m: `${writeKey.slice(0, 6)}…${writeKey.slice(-4)}` };
}

export function noSource(name: string): UserError {
  return new UserError('no_source', `There is no source named '${name}'.`, `没有名为 '${name}' 的数据源。`, 404);
}

/** A source row of the state store as the rest of the code sees it. */
export interface StoredSource extends Source {
  write_key_sha256: string;
  write_key_masked: string;
  created_at: string;
}

/** Every source of the workspace, in id order. */
export async function allSources(app: App): Promise<StoredSource[]> {
  await adoptWarehouseSources(app);
  const rows = await app.state.all<{ id: number; name: string; kind: string; trust: string; settings: string | null; write_key_sha256: string; write_key_masked: string; created_at: number }>(
    'select id, name, kind, trust, settings, write_key_sha256, write_key_masked, created_at from collect_sources where workspace_id = $ws order by id',
    { ws: app.workspaceId },
  );
  return rows.map((r) => ({
    id: Number(r.id), name: r.name, kind: r.kind, trust: r.trust === 'server' ? 'server' : 'client', settings: parseSettings(r.settings),
    write_key_sha256: r.write_key_sha256, write_key_masked: r.write_key_masked, created_at: new Date(Number(r.created_at)).toISOString(),
  }));
}

function parseSettings(text: string | null): SourceSettings {
  try {
    const s = JSON.parse(text ?? '{}') as SourceSettings;
    return s && typeof s === 'object' ? { ...(s.capture_consent === true ? { capture_consent: true } : {}) } : {};
  } catch {
    return {};
  }
}

/** The write key in clear, for an operator who lost it; the read is audited. */
export async function revealWriteKey(app: App, name: string): Promise<string> {
  await adoptWarehouseSources(app);
  const r = await app.state.get<{ id: number; c: string }>('select id, write_key_cipher as c from collect_sources where workspace_id = $ws and name = $n', { ws: app.workspaceId, n: name });
  if (!r) throw noSource(name);
  await app.audit({ actor: app.actor, action: 'collect.source.reveal_key', target: `source:${r.id}` });
  return decrypt(app.keys, r.c);
}
