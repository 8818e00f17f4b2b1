import { createHash, createHmac, createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { bulkSeal, sealAll } from './sealNative.ts';

/**
 * Key material for one workspace: an HMAC key for matching, AES-256-GCM keys (by id) for display values, and the
 * audit chain's HMAC key (src/privacy/audit.ts) — all from the keyring, never in a store.
 */
export interface Keys {
  hmac: Buffer;
  activeKeyId: string;
  aes: Map<string, Buffer>;
  audit?: AuditKey;
}

/**
 * The key of the audit chain. `legacy`: it was added to a keyring that existed before the chain was keyed, so the
 * chain may begin with entries hashed without a key (accepted only before the first keyed entry).
 */
export interface AuditKey {
  key: Buffer;
  legacy: boolean;
}

/** Keyed hash used to match identifiers: HMAC-SHA256, hex. The same input always gives the same hash. */
export function keyedHash(keys: Keys, type: string, normalized: string): string {
  return createHmac('sha256', keys.hmac).update(`${type}\u0000${normalized}`).digest('hex');
}

/**
 * The HMAC key's inner and outer padded keys (RFC 2104: the key, hashed first when longer than SHA-256's 64-byte
 * block, zero-padded to 64 bytes, XOR 0x36 / 0x5c), so that the warehouse can compute `keyedHash` set-wise:
 * sha256(outer ‖ sha256(inner ‖ message)).
 */
export function keyedHashPads(keys: Keys): { inner: Buffer; outer: Buffer } {
  const block = Buffer.alloc(64);
  (keys.hmac.length > 64 ? createHash('sha256').update(keys.hmac).digest() : keys.hmac).copy(block);
  return { inner: Buffer.from(block.map((b) => b ^ 0x36)), outer: Buffer.from(block.map((b) => b ^ 0x5c)) };
}

/** AES-256-GCM under the active key: `keyid:base64(iv‖tag‖ciphertext)`. */
export function encrypt(keys: Keys, plaintext: string): string {
  return encryptMany(keys, [plaintext])[0];
}

/**
 * AES-256-GCM of many values at once (批量加密), each `keyid:base64(iv‖tag‖ct)` with its own fresh 96-bit IV from
 * one call to the random source. Through the bulk binding (sealNative.ts) when it is built: the same ciphertexts
 * as node:crypto gives for those IVs, at a sixth of the cost; otherwise node:crypto, value by value.
 */
export function encryptMany(keys: Keys, plaintexts: readonly string[]): string[] {
  const key = keys.aes.get(keys.activeKeyId);
  if (!key) throw new Error(`active key ${keys.activeKeyId} missing from keyring`);
  const ivs = randomBytes(12 * plaintexts.length);
  const prefix = `${keys.activeKeyId}:`;
  const sealed = bulkSeal() ? sealAll(key, ivs, plaintexts) : plaintexts.map((p, i) => sealOne(key, ivs.subarray(12 * i, 12 * i + 12), p));
  return sealed.map((b64) => prefix + b64);
}

/** base64(iv‖tag‖ct) of one value under `iv`, by node:crypto. */
export function sealOne(key: Buffer, iv: Buffer, plaintext: string): string {
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
}

export function decrypt(keys: Keys, value: string): string {
  const i = value.indexOf(':');
  const keyId = value.slice(0, i);
  const key = keys.aes.get(keyId);
  if (!key) throw new Error(`key ${keyId} is not in the keyring`);
  const raw = Buffer.from(value.slice(i + 1), 'base64');
  const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  d.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
}

export function keyIdOf(cipher: string): string {
  return cipher.slice(0, cipher.indexOf(':'));
}
