import type { App } from '../app/context.ts';
import { encrypt, decrypt } from '../domain/privacy/cipher.ts';
import { wecomKey } from '../domain/collect/wecomCrypto.ts';
import { insertSource } from './sources.ts';
import { sourcesChanged } from './sourceCache.ts';
import { adoptWarehouseSources } from './legacySources.ts';
import { UserError } from '../errors.ts';

/** A WeCom callback source's settings (state store, `collect_wecom`), decrypted for use in this process only. */
export interface WecomConfig {
  sourceId: number;
  name: string;
  corpId: string;
  token: string;
  aesKey: Buffer;
  secret: string | null;
  apiBase: string;
}

export interface WecomSpec {
  name: string;
  corpId: string;
  token: string;
  encodingAesKey: string;
  secret?: string;
  apiBase?: string;
}

/** Refuses a WeCom source without its configuration (the callback could never be verified). */
export function checkWecomSpec(o: Partial<WecomSpec>): void {
  if (!o.corpId || !o.token || !o.encodingAesKey) throw new UserError('wecom_needs_config', 'A WeCom source needs its corp id, Token and EncodingAESKey (--corp-id, --token, --aes-key).', '企业微信数据源需要企业 ID、Token 与 EncodingAESKey（--corp-id、--token、--aes-key）。');
  wecomKey(o.encodingAesKey);
  if (o.apiBase !== undefined && !/^https?:\/\/[^\s/]+/.test(o.apiBase)) throw new UserError('bad_wecom', `--api-base must be an http(s) URL, not '${o.apiBase}'.`, `--api-base 必须是 http(s) 地址。`);
}

/** The source and its configuration, in one state transaction. */
export async function createWecomSource(app: App, o: WecomSpec): Promise<{ id: number; name: string; kind: 'wecom'; callback_path: string }> {
  checkWecomSpec(o);
  const s = await app.state.transaction(async () => {
    const src = await insertSource(app, o.name, { kind: 'wecom' });
    await app.state.run(
      `insert into collect_wecom (workspace_id, source_id, corp_id, token_cipher, aes_key_cipher, secret_cipher, api_base) values ($ws, $sid, $corp, $t, $k, $s, $api)`,
      { ws: app.workspaceId, sid: src.id, corp: o.corpId, t: encrypt(app.keys, o.token), k: encrypt(app.keys, o.encodingAesKey), s: o.secret ? encrypt(app.keys, o.secret) : null, api: o.apiBase ?? 'https://qyapi.weixin.qq.com' },
    );
    return src;
  });
  await sourcesChanged(app.dir);
  return { id: s.id, name: s.name, kind: 'wecom', callback_path: `/wecom/callback/${encodeURIComponent(s.name)}` };
}

export async function wecomConfig(app: App, name: string): Promise<WecomConfig | null> {
  await adoptWarehouseSources(app);
  const r = await app.state.get<{ id: number; name: string; corp_id: string; token_cipher: string; aes_key_cipher: string; secret_cipher: string | null; api_base: string }>(
    `select s.id, s.name, w.corp_id, w.token_cipher, w.aes_key_cipher, w.secret_cipher, w.api_base from collect_sources s join collect_wecom w on w.workspace_id = s.workspace_id and w.source_id = s.id where s.workspace_id = $ws and s.name = $n`,
    { ws: app.workspaceId, n: name },
  );
  if (!r) return null;
  return { sourceId: Number(r.id), name: r.name, corpId: r.corp_id, token: decrypt(app.keys, r.token_cipher), aesKey: wecomKey(decrypt(app.keys, r.aes_key_cipher)), secret: r.secret_cipher ? decrypt(app.keys, r.secret_cipher) : null, apiBase: r.api_base };
}

export async function noteReconciled(app: Pick<App, 'state' | 'workspaceId'>, sourceId: number): Promise<void> {
  await app.state.run('update collect_wecom set last_reconciled_at = $at where workspace_id = $ws and source_id = $s', { ws: app.workspaceId, s: sourceId, at: Date.now() });
}
