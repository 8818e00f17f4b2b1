import { keyedHash, encrypt, type Keys } from '../privacy/cipher.ts';
import { normalizeIdentifier, type IdType } from '../privacy/normalize.ts';
import { maskIdentifier } from '../privacy/mask.ts';
import type { SeenIdentifier } from './event.ts';

/**
 * Keyed hashes of the ids that arrive with tracked messages. The same few ids repeat across millions of events,
 * so hashes are remembered in a bounded map (the HMAC is the hot path of collection).
 */
export class IdHasher {
  private readonly cache = new Map<string, string>();
  constructor(private readonly keys: Keys, private readonly capacity = 100_000) {}

  /** The keyed hash of an anonymous / device id or a user id (namespace: the whole workspace). */
  key(type: 'anonymous_id' | 'user_id', raw: unknown): string | null {
    if (raw === null || raw === undefined || raw === '') return null;
    const s = String(raw);
    const k = `${type}\u0000${s}`;
    let h = this.cache.get(k);
    if (h === undefined) {
      h = keyedHash(this.keys, type, s);
      if (this.cache.size >= this.capacity) this.cache.clear();
      this.cache.set(k, h);
    }
    return h;
  }

  /** AES-256-GCM ciphertext of a PII trait (name, birthday …) for display after an audited read. */
  encryptText(plaintext: string): string {
    return encrypt(this.keys, plaintext);
  }

  /** A full identifier (hash for matching, ciphertext for display, masked form); null when not usable. */
  identifier(type: IdType, raw: unknown, namespace = ''): SeenIdentifier | null {
    const n = normalizeIdentifier(type, raw);
    if (!n) return null;
    return { type, namespace, hash: keyedHash(this.keys, type, n), cipher: encrypt(this.keys, n), masked: maskIdentifier(type, n) };
  }
}
