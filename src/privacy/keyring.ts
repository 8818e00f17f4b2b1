import { existsSync, readFileSync, writeFileSync, chmodSync, mkdirSync, statSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Keys } from '../domain/privacy/cipher.ts';
import { UserError } from '../errors.ts';

interface KeyringFile {
  version: 1;
  hmac: string;
  active: string;
  aes: { id: string; key: string; created: string }[];
}

/**
 * The keyring lives outside the database: `SIYU_KEYRING` (the file's JSON, base64-encoded) or a 0600 file beside
 * the store. It is created on first use. Losing it makes the stored PII unreadable, by design.
 */
export function loadKeys(file: string, env: NodeJS.ProcessEnv = process.env): Keys {
  const fresh = readKeys(file, env);
  // One shared object per keyring inside a process: a rotation run by a forwarded command updates the server's
  // own keys in place, so everything encrypts under the new key at once.
  const shared = cache.get(file);
  if (!shared) {
    cache.set(file, fresh);
    return fresh;
  }
  shared.hmac = fresh.hmac;
  shared.activeKeyId = fresh.activeKeyId;
  for (const [id, key] of fresh.aes) shared.aes.set(id, key);
  for (const id of [...shared.aes.keys()]) if (!fresh.aes.has(id)) shared.aes.delete(id);
  return shared;
}

const cache = new Map<string, Keys>();

function readKeys(file: string, env: NodeJS.ProcessEnv): Keys {
  let k: KeyringFile;
  if (env.SIYU_KEYRING) {
    k = JSON.parse(Buffer.from(env.SIYU_KEYRING, 'base64').toString('utf8'));
  } else if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    k = JSON.parse(readFileSync(file, 'utf8'));
  } else {
    k = newKeyring();
    saveKeyring(file, k);
  }
  if (!k.hmac || !k.active || !Array.isArray(k.aes)) {
    throw new UserError('keyring_invalid', `The keyring ${file} is not valid.`, `密钥文件 ${file} 无效。`);
  }
  return {
    hmac: Buffer.from(k.hmac, 'base64'),
    activeKeyId: k.active,
    aes: new Map(k.aes.map((a) => [a.id, Buffer.from(a.key, 'base64')])),
  };
}

export function newKeyring(): KeyringFile {
  const id = `k${Date.now().toString(36)}`;
  return { version: 1, hmac: randomBytes(32).toString('base64'), active: id, aes: [{ id, key: randomBytes(32).toString('base64'), created: new Date().toISOString() }] };
}

export function saveKeyring(file: string, k: KeyringFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(k, null, 2), { mode: 0o600 });
  renameSync(tmp, file);
}

/** Adds a new AES key and makes it active; old keys stay for decrypting until re-encryption finishes. */
export function addActiveKey(file: string): string {
  if (process.env.SIYU_KEYRING) {
    throw new UserError('keyring_in_env', 'The keyring comes from SIYU_KEYRING: rotate by adding a key to that value, or move the keyring to a file.', '密钥来自环境变量 SIYU_KEYRING：请在该值中添加新密钥，或改用密钥文件。');
  }
  const k: KeyringFile = JSON.parse(readFileSync(file, 'utf8'));
  const id = `k${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  k.aes.push({ id, key: randomBytes(32).toString('base64'), created: new Date().toISOString() });
  k.active = id;
  saveKeyring(file, k);
  return id;
}

/** Drops AES keys no ciphertext uses any more (after a completed rotation): what they encrypted becomes unreadable. */
export function retireKeys(file: string, ids: string[]): void {
  const k: KeyringFile = JSON.parse(readFileSync(file, 'utf8'));
  k.aes = k.aes.filter((a) => a.id === k.active || !ids.includes(a.id));
  saveKeyring(file, k);
}
