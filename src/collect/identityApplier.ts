import type { App } from '../app/context.ts';
import { appOn } from '../app/context.ts';
import type { Warehouse } from '../store/interfaces.ts';
import { resolveBatch, type IdentityRecord } from '../identity/index.ts';
import { decrypt } from '../domain/privacy/cipher.ts';
import type { IdentityFact } from '../domain/collect/event.ts';
import type { IdType } from '../domain/privacy/normalize.ts';
import { isPurpose } from '../domain/privacy/consent.ts';
import { consentsFrom, linkAndClaims, type Trust } from '../domain/collect/trust.ts';
import { recordConsent } from '../privacy/consentLedger.ts';
import { logError } from '../logging.ts';
import { isUserError } from '../errors.ts';
import type { SourceCache } from './sourceCache.ts';
import { isSystemic, reasonOf } from './isolate.ts';
import { applyTraits, keepClaims } from './profile.ts';

/**
 * Applies the identity facts the loader stored (identify, alias, 神策 signup / id bind / profile_*) through the
 * import's identity resolution (`resolveBatch`), as the fact's source is trusted to (domain/collect/trust.ts): the
 * ids seen together join one customer, events already stored under those anonymous / user keys join the customer
 * too (事件回溯归因), traits update the profile (name kept encrypted and masked; a client source only fills empty
 * fields), a client's other identifiers are kept as unverified claims, and consent changes go to the ledger when the
 * source may record them. Runs on its own connection, in seq order. A fact that fails on its own is set aside as a
 * dead letter (marked applied), so it cannot hold the others back.
 */
type FactRow = {
  seq: number;
  source_id: number;
  fact: string;
};

export class IdentityApplier {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  readonly totals = { applied: 0, linkedEvents: 0, errors: 0, deadLetters: 0, claims: 0, consentsRefused: 0 };

  constructor(private readonly app: App, private readonly db: Warehouse, private readonly sources: SourceCache) {}

  start(everyMs = 500): void {
    this.timer = setInterval(() => {
      if (!this.running) void this.applyPending().catch((e) => {
        this.totals.errors++;
        logError('collect.identity', e);
      });
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Applies up to `limit` pending facts (one run at a time on this connection); returns how many. */
  async applyPending(limit = 1000): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.applyOnce(limit);
    this.running = run.then(() => undefined, () => undefined).finally(() => (this.running = null));
    return run;
  }

  private async applyOnce(limit: number): Promise<number> {
    const rows = await this.db.all<FactRow>(
      `select seq, source_id, cast(fact as varchar) as fact from collect_identity_facts where workspace_id = $ws and applied_at is null order by seq limit $n`,
      { ws: this.app.workspaceId, n: limit },
    );
    if (!rows.length) return 0;
    // A source made on another node in the last second is not in the copy yet: read it before judging its trust.
    if (rows.some((r) => !this.sources.of(Number(r.source_id)))) await this.sources.reload();
    try {
      await this.apply(rows);
    } catch (e) {
      if (isSystemic(e)) throw e;
      // One by one: the facts that fail on their own are set aside, the others applied.
      for (const r of rows) {
        try {
          await this.apply([r]);
        } catch (e1) {
          if (isSystemic(e1)) throw e1;
          await this.setAside(r, e1);
        }
      }
    }
    this.totals.applied += rows.length;
    return rows.length;
  }

  private trustOf(sourceId: number): { trust: Trust; captureConsent: boolean; name: string } {
    const s = this.sources.of(Number(sourceId));
    // A source the cache does not know (not yet read, or gone) is trusted as little as possible.
    return { trust: s?.trust ?? 'client', captureConsent: s?.settings.capture_consent === true, name: s?.name ?? String(sourceId) };
  }

  private async apply(rows: FactRow[]): Promise<void> {
    const app = appOn(this.app, this.db, 'collect');
    const facts = rows.map((r) => JSON.parse(r.fact) as IdentityFact);
    const meta = rows.map((r) => this.trustOf(r.source_id));
    const split = facts.map((f, i) => linkAndClaims(f, meta[i].trust));
    const records: IdentityRecord[] = split.map((s, i) => ({
      source: `collect:${meta[i].name}`,
      identifiers: s.link.map((x) => ({ type: x.type as IdType, value: decrypt(app.keys, x.cipher), namespace: x.namespace || undefined })),
    }));
    const ids = await resolveBatch(app, records);
    await this.recordConsents(app, rows, facts, meta, ids);
    await this.db.transaction(async () => {
      for (let i = 0; i < rows.length; i++) {
        const customer = ids[i];
        const f = facts[i];
        await this.db.run('update collect_identity_facts set applied_at = now(), customer_id = $c where workspace_id = $ws and seq = $s', { ws: app.workspaceId, s: rows[i].seq, c: customer });
        if (customer === null) continue;
        const keys = split[i].link.filter((x) => x.type === 'anonymous_id' || x.type === 'user_id').map((x) => x.hash);
        for (const k of keys) {
          await this.db.run('update events set customer_id = $c where workspace_id = $ws and anonymous_key = $k and customer_id is null', { ws: app.workspaceId, c: customer, k });
        }
        this.totals.claims += await keepClaims(app, customer, rows[i].source_id, split[i].claims, f.at);
        await applyTraits(app, customer, f, meta[i].trust);
      }
    });
  }

  /**
   * The consent changes a batch carries go to the ledger (state) before the facts are marked applied, each under an
   * origin made of what the change is (source, time, customer, purpose, status): a batch re-applied after a crash —
   * its marks lost with the warehouse's log — records each change once. The customers they name are checkpointed
   * first, so the ledger never names a customer the warehouse could lose.
   */
  private async recordConsents(app: ReturnType<typeof appOn>, rows: FactRow[], facts: IdentityFact[], meta: ReturnType<IdentityApplier['trustOf']>[], ids: (number | null)[]): Promise<void> {
    const changes = rows.flatMap((r, i) => {
      const customer = ids[i];
      if (customer === null || !facts[i].consents.length) return [];
      const d = consentsFrom(facts[i], meta[i].trust, meta[i].captureConsent);
      this.totals.consentsRefused += d.refused.length;
      return d.accepted.filter((c) => isPurpose(c.purpose)).map((c) => ({ i, customer, c, d }));
    });
    if (!changes.length) return;
    await this.db.checkpoint();
    for (const { i, customer, c, d } of changes) {
      await recordConsent(app, {
        customerId: customer, purpose: c.purpose, status: c.status, changedAt: new Date(facts[i].at).toISOString(), source: `collect:${meta[i].name}`,
        evidence: `collected ${facts[i].kind}${d.context ? `: ${d.context}` : ''}`, ...(d.policyVersion ? { policyVersion: d.policyVersion } : {}),
        origin: `collect:${rows[i].source_id}:${facts[i].at}:${customer}:${c.purpose}:${c.status}`,
      }).catch((e) => {
        // a change the ledger refuses (an erased customer) is logged and left; anything else retries the batch
        if (!isUserError(e)) throw e;
        logError('collect.consent', e, { customer });
      });
    }
  }

  /** A fact that fails on its own: marked applied and kept as a dead letter with the reason, in one transaction. */
  private async setAside(r: FactRow, e: unknown): Promise<void> {
    const ws = this.app.workspaceId;
    await this.db.transaction(async () => {
      await this.db.run('update collect_identity_facts set applied_at = now() where workspace_id = $ws and seq = $s', { ws, s: r.seq });
      await this.db.run(
        `insert into collect_dead_letters (workspace_id, source_id, kind, event_id, reason, entry, failed_at) values ($ws, $sid, 'fact', null, $why, $entry, now())`,
        { ws, sid: r.source_id, why: `identity: ${reasonOf(e)}`, entry: r.fact },
      );
    });
    this.totals.deadLetters++;
    logError('collect.identity.deadLetter', e, { source: r.source_id, seq: r.seq });
  }
}
