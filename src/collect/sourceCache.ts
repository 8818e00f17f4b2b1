import { createHash } from 'node:crypto';
import { logError } from '../logging.ts';
import type { Source, StoredSource } from './sources.ts';

/**
 * The running server's copy of its sources, by write-key digest: the lookup every collection request makes, answered
 * from memory. It is read again whenever a source is created or its key rotated in this process (a CLI command
 * forwarded into the server, `POST /api/v1/sources`) before that call returns, and about every second otherwise — a
 * change made by another node on the same PostgreSQL state applies within a second. An unknown key costs no query.
 */
export class SourceCache {
  private byDigest = new Map<string, Source>();
  private byId = new Map<number, Source>();
  /** Keys seen, to their source: a request then costs a map lookup, not a SHA-256 (cleared on every read). */
  private seen = new Map<string, Source>();
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private again = false;

  constructor(private readonly read: () => Promise<StoredSource[]>) {}

  /** Reads the sources now (a read already running is followed by one more, so a change is never missed). */
  async reload(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          const rows = await this.read();
          this.byDigest = new Map(rows.map((s) => [s.write_key_sha256, strip(s)]));
          this.byId = new Map(rows.map((s) => [s.id, strip(s)]));
          this.seen = new Map();
        } while (this.again);
      } finally {
        this.reading = null;
      }
    })();
    return this.reading;
  }

  start(everyMs = 1000): void {
    this.timer = setInterval(() => void this.reload().catch((e) => logError('collect.sources', e)), everyMs);
    this.timer.unref();
  }

  /** Stops the periodic reads and waits for one in flight (the state store may be closed next). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reading?.catch(() => undefined);
  }

  /** The source a write key belongs to, or null. */
  byKey(writeKey: string | null | undefined): Source | null {
    if (!writeKey) return null;
    const hit = this.seen.get(writeKey);
    if (hit) return hit;
    const s = this.byDigest.get(keyDigest(writeKey)) ?? null;
    if (s && this.seen.size < 10_000) this.seen.set(writeKey, s);
    return s;
  }

  of(id: number): Source | undefined {
    return this.byId.get(id);
  }

  nameOf(id: number): string {
    return this.byId.get(id)?.name ?? String(id);
  }
}

function strip(s: StoredSource): Source {
  return { id: s.id, name: s.name, kind: s.kind, trust: s.trust, settings: s.settings };
}

/** Caches per data directory, told when a source changes in this process. */
const caches = new Map<string, Set<SourceCache>>();

export function watchSources(dir: string, cache: SourceCache): () => void {
  const set = caches.get(dir) ?? new Set();
  set.add(cache);
  caches.set(dir, set);
  return () => set.delete(cache);
}

/** Makes every cache of this data directory read the sources again (resolves once they have). */
export async function sourcesChanged(dir: string): Promise<void> {
  await Promise.all([...(caches.get(dir) ?? [])].map((c) => c.reload().catch((e) => logError('collect.sources', e))));
}

/** What a write key is looked up by (the key itself is kept only encrypted). */
export function keyDigest(writeKey: string): string {
  return createHash('sha256').update(writeKey).digest('hex');
}
