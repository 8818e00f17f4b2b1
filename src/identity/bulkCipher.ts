import { createCipheriv, randomBytes } from 'node:crypto';
import type { Keys } from '../domain/privacy/cipher.ts';

/**
 * AES-256-GCM of many values at once (批量加密), in exactly the format of `encrypt` (`keyid:base64(iv‖tag‖ct)`, so
 * `decrypt` reads it): one call to the random source for all the IVs of a page instead of one per value (the
 * per-value call was two thirds of the cost). Every value still gets its own fresh 96-bit IV.
 */
export function encryptMany(keys: Keys, plaintexts: readonly string[]): string[] {
  const key = keys.aes.get(keys.activeKeyId);
  if (!key) throw new Error(`active key ${keys.activeKeyId} missing from keyring`);
  const ivs = randomBytes(12 * plaintexts.length);
  const prefix = `${keys.activeKeyId}:`;
  const out: string[] = new Array(plaintexts.length);
  for (let i = 0; i < plaintexts.length; i++) {
    const iv = ivs.subarray(12 * i, 12 * i + 12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const body = c.update(plaintexts[i], 'utf8');
    c.final();
    out[i] = prefix + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
  }
  return out;
}
