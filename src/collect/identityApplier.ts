import type { App } from '../app/context.ts';
import { appOn } from '../app/context.ts';
import type { Warehouse } from '../store/interfaces.ts';
import { resolveBatch, type IdentityRecord } from '../identity/index.ts';
import { decrypt } from '../domain/privacy/cipher.ts';
import { maskName } from '../domain/privacy/mask.ts';
import type { IdentityFact } from '../domain/collect/event.ts';
import type { IdType } from '../domain/privacy/normalize.ts';
import { isPurpose } from '../domain/privacy/consent.ts';
import { recordConsent } from '../privacy/consentLedger.ts';
import { logError } from '../logging.ts';

/**
 * Applies the identity facts the loader stored (identify, alias, 神策 signup / id bind / profile_*) through the
 * import's identity resolution (`resolveBatch`): the ids seen together join one customer, events already stored
 * under those anonymous / user keys join the customer too (事件回溯归因), profile traits update the customer (name
 * kept encrypted and masked) and consent changes go to the ledger. Runs on its own connection, in seq order.
 */
export class IdentityApplier {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  readonly totals = { applied: 0, linkedEvents: 0, errors: 0 };

  constructor(private readonly app: App, private readonly db: Warehouse, private readonly sourceName: (id: number) => string) {}

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
    const rows = await this.db.all<{ seq: number; source_id: number; fact: string }>(
      `select seq, source_id, fact from collect_identity_facts where workspace_id = $ws and applied_at is null order by seq limit $n`,
      { ws: this.app.workspaceId, n: limit },
    );
    if (!rows.length) return 0;
    const app = appOn(this.app, this.db, 'collect');
    const facts = rows.map((r) => JSON.parse(r.fact) as IdentityFact);
    const records: IdentityRecord[] = facts.map((f, i) => ({
      source: `collect:${this.sourceName(rows[i].source_id)}`,
      identifiers: f.identifiers.map((x) => ({ type: x.type as IdType, value: decrypt(app.keys, x.cipher), namespace: x.namespace || undefined })),
    }));
    const ids = await resolveBatch(app, records);
    await this.db.transaction(async () => {
      for (let i = 0; i < rows.length; i++) {
        const customer = ids[i];
        const f = facts[i];
        await this.db.run('update collect_identity_facts set applied_at = now(), customer_id = $c where workspace_id = $ws and seq = $s', { ws: app.workspaceId, s: rows[i].seq, c: customer });
        if (customer === null) continue;
        const keys = f.identifiers.filter((x) => x.type === 'anonymous_id' || x.type === 'user_id').map((x) => x.hash);
        for (const k of keys) {
          await this.db.run('update events set customer_id = $c where workspace_id = $ws and anonymous_key = $k and customer_id is null', { ws: app.workspaceId, c: customer, k });
        }
        await this.applyTraits(app, customer, f);
      }
    });
    for (let i = 0; i < rows.length; i++) {
      const customer = ids[i];
      if (customer === null) continue;
      for (const c of facts[i].consents) {
        if (!isPurpose(c.purpose)) continue;
        await recordConsent(app, { customerId: customer, purpose: c.purpose, status: c.status, changedAt: new Date(facts[i].at).toISOString(), source: `collect:${this.sourceName(rows[i].source_id)}`, evidence: `collected ${facts[i].kind}` }).catch((e) => logError('collect.consent', e, { customer }));
      }
    }
    this.totals.applied += rows.length;
    return rows.length;
  }

  private async applyTraits(app: App, customer: number, f: IdentityFact): Promise<void> {
    const t = { ...f.traits };
    if (f.op === 'unset' || f.op === 'delete' || !Object.keys(t).length) return;
    const nameCipher = (t.name_cipher ?? t.real_name_cipher ?? t.full_name_cipher) as string | undefined;
    delete t.name_cipher;
    const gender = typeof t.gender === 'string' && ['male', 'female', 'unknown'].includes(t.gender) ? t.gender : null;
    const city = typeof t.city === 'string' ? t.city : null;
    const province = typeof t.province === 'string' ? t.province : null;
    await this.db.run(
      `update customers set traits = json_merge_patch(coalesce(traits, '{}'::json), $t::json),
         gender = coalesce($g, gender), city = coalesce($city, city), province = coalesce($prov, province),
         name_cipher = coalesce($nc, name_cipher), name_masked = coalesce($nm, name_masked), updated_at = now()
       where workspace_id = $ws and id = $id`,
      { ws: app.workspaceId, id: customer, t: JSON.stringify(t), g: gender, city, prov: province, nc: nameCipher ?? null, nm: nameCipher ? maskName(decrypt(app.keys, nameCipher)) : null },
    );
  }
}
