/**
 * A short cache of resolved tokens (10 s), so every request does not query the state store. A session is never
 * served from it past its own expiry, and any change to users or keys in this process empties it at once (the
 * CLI's commands run inside the server while it holds the store); otherwise a revoked key or ended session stops
 * working within TTL_MS.
 */
import type { Principal } from './scope.ts';

export const TTL_MS = 10_000;
const cache = new Map<string, { p: Principal | null; until: number }>();

export async function cachedPrincipal(token: string, resolve: () => Promise<Principal | null>): Promise<Principal | null> {
  const now = Date.now();
  const hit = cache.get(token);
  if (hit && hit.until > now) return hit.p;
  const p = await resolve();
  if (cache.size > 10_000) cache.clear();
  cache.set(token, { p, until: Math.min(now + TTL_MS, p?.expiresAt ?? Infinity) });
  return p;
}

export function forgetToken(token: string): void {
  cache.delete(token);
}

/** After a change to users, sessions or keys. */
export function forgetAllTokens(): void {
  cache.clear();
}
