import { UserError } from '../../errors.ts';

/**
 * Size limits of the tracking API (as Segment documents them: 32 KB per message, 500 KB per batch request;
 * 神策 batches are larger because the SDKs send up to 50–100 records gzip'd). Over a limit is a clear 400 naming it.
 */
export const LIMITS = {
  eventBytes: 32 * 1024,
  batchBytes: 500 * 1024,
  /** Decompressed body of one request (gzip bombs stop here). */
  bodyBytes: 4 * 1024 * 1024,
  batchEvents: 2_000,
  messageIdChars: 200,
  eventNameChars: 200,
};

export function tooLarge(what: string, size: number, limit: number): UserError {
  return new UserError('too_large', `${what} is ${size} bytes; the limit is ${limit} bytes.`, `${what} 大小为 ${size} 字节，超过上限 ${limit} 字节。`, 400);
}

export function invalid(code: string, en: string, zh: string): UserError {
  return new UserError(code, en, zh, 400);
}
