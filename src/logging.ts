import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir, paths } from './config.ts';

/**
 * Internal errors are logged as JSON lines to <data>/logs/siyu.log with context but without PII: callers pass
 * ids and counts, never identifiers; messages are scrubbed of anything that looks like a phone or an e-mail.
 */
export function scrub(text: string): string {
  return text
    .replace(/(\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}/g, '[phone]')
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]');
}

export function logError(where: string, e: unknown, context: Record<string, unknown> = {}): void {
  const err = e as Error;
  const line = JSON.stringify({
    level: 'error', time: new Date().toISOString(), where, ...context,
    message: scrub(String(err?.message ?? e)), stack: scrub(String(err?.stack ?? '')),
  });
  try {
    const dir = paths.logs(dataDir());
    mkdirSync(dir, { recursive: true });
    appendFileSync(join(dir, 'siyu.log'), `${line}\n`);
  } catch {
    process.stderr.write(`${line}\n`);
  }
}
