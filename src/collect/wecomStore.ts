import type { App } from '../app/context.ts';
import { encrypt, decrypt } from '../domain/privacy/cipher.ts';
import { wecomKey } from '../domain/collect/wecomCrypto.ts';
import { createSource } from './sources.ts';
import { UserError } from '../errors.ts';

/** A WeCom callback source's settings, decrypted for use in this process only. */
export interface WecomConfig {
  sourceId: number;
  name: string;
  corpId: string;
  token: string;
  aesKey: Buffer;
  secret: string | null;
  apiBase: string;
}

export async function createWecomSource(app: App, o: { name: string; corpId: string; token: string; encodingAesKey: string; secret?: string; apiBase?: string }): Promise<{ id: number; name: string; callback_path: string }> {
  wecomKey(o.encodingAesKey);
  if (!o.corpId || !o.token) throw new UserError('bad_wecom', 'A WeCom source needs --corp-id and --token.', '企业微信数据源需要 --corp-id 与 --token。');
  const s = await createSource(app, o.name, 'wecom');
  await app.warehouse.run(
    `insert into collect_wecom (workspace_id, source_id, corp_id, token_cipher, aes_key_cipher, secret_cipher, api_base) values ($ws, $sid, $corp, $t, $k, $s, $api)`,
    { ws: app.workspaceId, sid: s.id, corp: o.corpId, t: encrypt(app.keys, o.token), k: encrypt(app.keys, o.encodingAesKey), s: o.secret ? encrypt(app.keys, o.secret) : null, api: o.apiBase ?? 'https://qyapi.weixin.qq.com' },
  );
  return { id: s.id, name: s.name, callback_path: `/wecom/callback/${encodeURIComponent(s.name)}` };
}

export async function wecomConfig(app: App, name: string): Promise<WecomConfig | null> {
  const r = await app.warehouse.get<{ id: number; name: string; corp_id: string; token_cipher: string; aes_key_cipher: string; secret_cipher: string | null; api_base: string }>(
    `select s.id, s.name, w.corp_id, w.token_cipher, w.aes_key_cipher, w.secret_cipher, w.api_base from collect_sources s join collect_wecom w on w.workspace_id = s.workspace_id and w.source_id = s.id where s.workspace_id = $ws and s.name = $n`,
    { ws: app.workspaceId, n: name },
  );
  if (!r) return null;
  return { sourceId: r.id, name: r.name, corpId: r.corp_id, token: decrypt(app.keys, r.token_cipher), aesKey: wecomKey(decrypt(app.keys, r.aes_key_cipher)), secret: r.secret_cipher ? decrypt(app.keys, r.secret_cipher) : null, apiBase: r.api_base };
}
