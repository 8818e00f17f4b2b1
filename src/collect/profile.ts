import type { App } from '../app/context.ts';
import { decrypt } from '../domain/privacy/cipher.ts';
import { maskName } from '../domain/privacy/mask.ts';
import type { IdentityFact, SeenIdentifier } from '../domain/collect/event.ts';
import type { Trust } from '../domain/collect/trust.ts';

/**
 * What a collected identity fact writes onto its customer: profile traits, and a client source's unverified claims.
 * A server source's traits update the profile (gender, city, province; the name encrypted with a masked form; other
 * plain traits merged into `customers.traits`); a client source's only fill what is empty, so a public key cannot
 * rewrite what an import or a server source set.
 */
export async function applyTraits(app: App, customer: number, f: IdentityFact, trust: Trust): Promise<void> {
  const t = { ...f.traits };
  if (f.op === 'unset' || f.op === 'delete' || !Object.keys(t).length) return;
  const nameCipher = (t.name_cipher ?? t.real_name_cipher ?? t.full_name_cipher) as string | undefined;
  delete t.name_cipher;
  const gender = typeof t.gender === 'string' && ['male', 'female', 'unknown'].includes(t.gender) ? t.gender : null;
  const city = typeof t.city === 'string' ? t.city : null;
  const province = typeof t.province === 'string' ? t.province : null;
  const p = { ws: app.workspaceId, id: customer, t: JSON.stringify(t), g: gender, city, prov: province, nc: nameCipher ?? null, nm: nameCipher ? maskName(decrypt(app.keys, nameCipher)) : null };
  await app.warehouse.run(
    trust === 'server'
      ? `update customers set traits = json_merge_patch(coalesce(traits, '{}'::json), $t::json),
           gender = coalesce($g, gender), city = coalesce($city, city), province = coalesce($prov, province),
           name_cipher = coalesce($nc, name_cipher), name_masked = coalesce($nm, name_masked), updated_at = now()
         where workspace_id = $ws and id = $id`
      : `update customers set traits = json_merge_patch($t::json, coalesce(traits, '{}'::json)),
           gender = coalesce(gender, $g), city = coalesce(city, $city), province = coalesce(province, $prov),
           name_cipher = coalesce(name_cipher, $nc), name_masked = case when name_cipher is null then coalesce($nm, name_masked) else name_masked end,
           updated_at = now()
         where workspace_id = $ws and id = $id`,
    p,
  );
}

/** Keeps a client source's claimed identifiers beside the customer (unverified; never a join key). Returns how many are new. */
export async function keepClaims(app: App, customer: number, sourceId: number, claims: SeenIdentifier[], at: number): Promise<number> {
  let added = 0;
  for (const x of claims) {
    const p = { ws: app.workspaceId, c: customer, t: x.type, ns: x.namespace ?? '', h: x.hash, at };
    const seen = await app.warehouse.changes(
      `update collect_claimed_identifiers set last_seen_at = greatest(last_seen_at, epoch_ms(cast($at as bigint)))
       where workspace_id = $ws and customer_id = $c and id_type = $t and namespace = $ns and id_hash = $h`,
      p,
    );
    if (seen) continue;
    await app.warehouse.run(
      `insert into collect_claimed_identifiers (workspace_id, customer_id, id_type, namespace, id_hash, id_cipher, id_masked, source_id, first_seen_at, last_seen_at)
       values ($ws, $c, $t, $ns, $h, $cipher, $m, $sid, epoch_ms(cast($at as bigint)), epoch_ms(cast($at as bigint)))`,
      { ...p, cipher: x.cipher, m: x.masked, sid: sourceId },
    );
    added++;
  }
  return added;
}

/** A customer's claimed (unverified) identifiers, masked: what a client source said about them. */
export async function claimedIdentifiers(app: Pick<App, 'warehouse' | 'workspaceId'>, customer: number): Promise<{ type: string; masked: string | null; source_id: number; verified: false }[]> {
  const rows = await app.warehouse.all<{ type: string; masked: string | null; source_id: number }>(
    `select id_type as type, id_masked as masked, source_id from collect_claimed_identifiers where workspace_id = $ws and customer_id = $c order by first_seen_at, id_type`,
    { ws: app.workspaceId, c: customer },
  );
  return rows.map((r) => ({ type: r.type, masked: r.masked, source_id: Number(r.source_id), verified: false as const }));
}
