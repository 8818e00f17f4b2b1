import { existsSync, readFileSync, chmodSync, mkdirSync, statSync, renameSync, rmSync, openSync, fchmodSync, writeSync, fsyncSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { hkdfSync, randomBytes } from 'node:crypto';
import type { AuditKey, Keys } from '../domain/privacy/cipher.ts';
import { UserError } from '../errors.ts';
import { keyringFromEnv } from '../config.ts';

interface KeyringFile {
  version: 1;
  hmac: string;
  active: string;
  aes: { id: string; key: string; created: string }[];
  /** The audit chain's HMAC key; `legacy` when it was added to a keyring made before the chain was keyed. */
  audit?: { key: string; created: string; legacy?: boolean };
}

/**
 * The keyring lives outside the database: `SIYU_KEYRING` (the file's JSON, base64-encoded) or a 0600 file beside
 * the store (its directory 0700). It is created on first use. Losing it makes the stored PII unreadable, by design.
 * It also holds the audit chain's key: a keyring file without one (made before the chain was keyed) gets one the
 * first time it is read; a `SIYU_KEYRING` without one derives it from the HMAC key (HKDF), since the value cannot
 * be written back.
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
  shared.audit = fresh.audit;
  for (const [id, key] of fresh.aes) shared.aes.set(id, key);
  for (const id of [...shared.aes.keys()]) if (!fresh.aes.has(id)) shared.aes.delete(id);
  return shared;
}

const cache = new Map<string, Keys>();

function readKeys(file: string, env: NodeJS.ProcessEnv): Keys {
  let k: KeyringFile;
  const inEnv = keyringFromEnv(env);
  if (inEnv) {
    k = JSON.parse(Buffer.from(inEnv, 'base64').toString('utf8'));
  } else if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) chmodSync(file, 0o600);
    k = parseKeyring(file, readFileSync(file, 'utf8'));
    if (!k.audit) k = withKeyringLock(file, () => addAuditKey(file));
  } else {
    k = withKeyringLock(file, () => (existsSync(file) ? addAuditKey(file) : saveKeyring(file, newKeyring())));
  }
  if (!k.hmac || !k.active || !Array.isArray(k.aes)) {
    throw new UserError('keyring_invalid', `The keyring ${file} is not valid.`, `密钥文件 ${file} 无效。`);
  }
  const hmac = Buffer.from(k.hmac, 'base64');
  return { hmac, activeKeyId: k.active, aes: new Map(k.aes.map((a) => [a.id, Buffer.from(a.key, 'base64')])), audit: auditKeyOf(k, hmac) };
}

function parseKeyring(file: string, text: string): KeyringFile {
  try {
    const k = JSON.parse(text);
    if (k && typeof k === 'object') return k;
  } catch {
    /* said below */
  }
  throw new UserError('keyring_invalid', `The keyring ${file} is not valid.`, `密钥文件 ${file} 无效。`);
}

/** Gives a keyring made before the audit chain was keyed its audit key (read again under the lock: once only). */
function addAuditKey(file: string): KeyringFile {
  const k = parseKeyring(file, readFileSync(file, 'utf8'));
  if (k.audit) return k;
  k.audit = { key: randomBytes(32).toString('base64'), created: new Date().toISOString(), legacy: true };
  return saveKeyring(file, k);
}

/**
 * Creating a keyring, or adding its audit key, is done by one process at a time (a lock file beside it): two
 * processes starting together must not each write a different key and then use their own.
 */
function withKeyringLock<T>(file: string, fn: () => T): T {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const lock = `${file}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock left by a killed process is old: taken over after 10 s.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (!held) continue;
      if (Date.now() > deadline || Date.now() - held.mtimeMs > 10_000) {
        rmSync(lock, { force: true });
        continue;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function auditKeyOf(k: KeyringFile, hmac: Buffer): AuditKey {
  if (k.audit?.key) return { key: Buffer.from(k.audit.key, 'base64'), legacy: !!k.audit.legacy };
  return { key: Buffer.from(hkdfSync('sha256', hmac, Buffer.alloc(0), 'siyu audit chain', 32)), legacy: true };
}

export function newKeyring(): KeyringFile {
  const id = `k${Date.now().toString(36)}`;
  const created = new Date().toISOString();
  return {
    version: 1, hmac: randomBytes(32).toString('base64'), active: id, aes: [{ id, key: randomBytes(32).toString('base64'), created }],
    audit: { key: randomBytes(32).toString('base64'), created },
  };
}

export function saveKeyring(file: string, k: KeyringFile): KeyringFile {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  // Written whole, flushed and renamed over the old one: a crash leaves the old keyring or the new, never half of one.
  const fd = openSync(tmp, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, JSON.stringify(k, null, 2));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  return k;
}

/** Adds a new AES key and makes it active; old keys stay for decrypting until re-encryption finishes. */
export function addActiveKey(file: string): string {
  if (keyringFromEnv()) {
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
