import { MASKED, normalizeIdentifier, type IdType } from './normalize.ts';
import { keyedHash, type Keys } from './cipher.ts';
import { maskIdentifier } from './mask.ts';

/**
 * What Siyu keeps of one raw identifier value (标识摘要): its normalised form, keyed hash and masked form when it is
 * usable; otherwise why not — `masked` (an export that already hid digits, 138****5678, kept as written) or
 * `invalid` (shown only as ***). The normalised value is for encrypting, never for storing as is.
 */
export interface IdentifierDigest {
  status: 'ok' | 'masked' | 'invalid';
  norm: string | null;
  hash: string | null;
  masked: string;
}

export function digestIdentifier(keys: Keys, type: IdType, raw: unknown): IdentifierDigest {
  const norm = normalizeIdentifier(type, raw);
  if (norm === null) {
    const isMasked = typeof raw === 'string' && MASKED.test(raw);
    return { status: isMasked ? 'masked' : 'invalid', norm: null, hash: null, masked: isMasked ? raw : '***' };
  }
  return { status: 'ok', norm, hash: keyedHash(keys, type, norm), masked: maskIdentifier(type, norm) };
}

