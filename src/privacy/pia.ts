/**
 * Personal-information impact assessment (个人信息保护影响评估, PIPL arts. 55–56), built from the store's actual
 * configuration: data classes held and how many people, purposes and consents, sharing, minors and sensitive
 * data, retention, safeguards (encryption, masking, roles, audit chain). Saved as JSON and Markdown under
 * <data>/reports/pia-<date>.{json,md} and recorded in the audit log.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { paths } from '../config.ts';
import { consentSummary } from './consentLedger.ts';
import { retentionPolicies } from './retention.ts';
import { verifyAudit } from './audit.ts';
import { keyUsage } from './rotate.ts';
import { MATRIX } from '../domain/privacy/roles.ts';

export async function buildPia(app: App): Promise<Record<string, unknown>> {
  const ws = { ws: app.workspaceId };
  const c = await app.warehouse.get<Record<string, number>>(
    `select count(*) filter (where status = 'active') as active, count(*) filter (where status = 'restricted') as restricted,
            count(*) filter (where name_cipher is not null) as with_name, count(*) filter (where birthday_cipher is not null) as with_birthday,
            count(*) filter (where customer_is_minor(is_minor, birth_year, birth_md) and status = 'active') as minors
     from customers where workspace_id = $ws`, ws);
  const identifiers = await app.warehouse.all<{ id_type: string; n: number }>('select id_type, count(*) as n from customer_identifiers where workspace_id = $ws group by 1 order by 1', ws);
  const consents = await consentSummary(app);
  const keys = await app.state.all<{ role: string; n: number }>('select role, count(*) as n from api_keys where revoked_at is null group by role');
  const users = await app.state.all<{ role: string; n: number }>('select role, count(*) as n from users where disabled = 0 group by role');
  const dsr = await app.state.all<{ kind: string; status: string; n: number }>('select kind, status, count(*) as n from dsr_requests where workspace_id = $ws group by kind, status order by kind, status', ws);
  const audit = await verifyAudit(app);
  const num = (o: Record<string, unknown> | undefined, k: string) => Number(o?.[k] ?? 0);
  const shared = consents.find((x) => x.purpose === 'third_party')?.permitted ?? 0;
  const sensitive = consents.filter((x) => x.purpose.startsWith('sensitive_') && x.granted > 0);
  return {
    generated_at: new Date().toISOString(),
    law: 'PIPL arts. 55–56 (个人信息保护影响评估)',
    processing: {
      people: { active: num(c, 'active'), restricted: num(c, 'restricted'), minors_under_14: num(c, 'minors') },
      data_classes: {
        name: num(c, 'with_name'), birthday: num(c, 'with_birthday'),
        identifiers: Object.fromEntries(identifiers.map((i) => [i.id_type, Number(i.n)])),
        behaviour_events: await app.warehouse.scalar('select count(*) from events where workspace_id = $ws', ws),
        orders: await app.warehouse.scalar('select count(*) from orders where workspace_id = $ws', ws),
      },
    },
    purposes_and_consent: consents,
    sharing: { customers_permitted_for_third_party: shared, api_keys_by_role: Object.fromEntries(keys.map((k) => [k.role, Number(k.n)])) },
    sensitive_data: { classes_with_consent: sensitive.map((s) => s.purpose), minors_under_14: num(c, 'minors'), rule: 'minors need guardian consent for every purpose (art. 31); sensitive classes need their own consent (art. 29)' },
    retention: await retentionPolicies(app),
    data_subject_requests: dsr.map((d) => ({ ...d, n: Number(d.n) })),
    safeguards: {
      identifiers: 'HMAC-SHA256 keyed hash for matching; AES-256-GCM ciphertext with key id for display; masked form on screen',
      keys: { active: app.keys.activeKeyId, ciphertexts_by_key: await keyUsage(app), location: process.env.SIYU_KEYRING ? 'environment (SIYU_KEYRING)' : 'keyring file 0600 outside the database' },
      access: { users_by_role: Object.fromEntries(users.map((u) => [u.role, Number(u.n)])), roles: Object.keys(MATRIX), unmask: 'separate permission (pii:unmask), audited' },
      audit_log: { entries: audit.entries, intact: audit.ok },
    },
    risks: [
      { risk: 'marketing to people who did not agree', measure: 'one consent policy checked at every send, export, share and recommendation; withdrawal effective at once', residual: 'low' },
      { risk: 'leak of identifiers from the database or backups', measure: 'only hashes and ciphertexts stored; keys outside the database; rotation retires old keys', residual: 'low' },
      { risk: 'over-broad staff access', measure: 'role matrix; store guides see only their own customers; unmask audited', residual: 'medium' },
      { risk: 'keeping data longer than needed', measure: 'retention policies purged on schedule, purges audited', residual: 'low' },
      ...(num(c, 'minors') > 0 ? [{ risk: 'processing children\'s data', measure: 'under-14 derived from birthday; excluded from every purpose without guardian consent', residual: 'medium' }] : []),
      ...(shared > 0 ? [{ risk: 'provision to third parties', measure: 'separate third_party consent (art. 23); partner files audited', residual: 'medium' }] : []),
    ],
  };
}

export function piaMarkdown(p: Record<string, unknown>): string {
  const lines = [`# 个人信息保护影响评估 / Personal-information impact assessment`, '', `Generated ${p.generated_at} — ${p.law}`, ''];
  for (const [k, v] of Object.entries(p)) {
    if (k === 'generated_at' || k === 'law') continue;
    lines.push(`## ${k.replace(/_/g, ' ')}`, '', '```json', JSON.stringify(v, null, 2), '```', '');
  }
  return lines.join('\n');
}

export async function writePia(app: App): Promise<{ json: string; markdown: string; record: Record<string, unknown> }> {
  const record = await buildPia(app);
  const dir = paths.reports(app.dir);
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, `pia-${String(record.generated_at).slice(0, 10)}`);
  writeFileSync(`${stem}.json`, JSON.stringify(record, null, 2), { mode: 0o600 });
  writeFileSync(`${stem}.md`, piaMarkdown(record), { mode: 0o600 });
  await app.audit({ actor: '', action: 'admin.pia', target: `pia:${String(record.generated_at).slice(0, 10)}` });
  return { json: `${stem}.json`, markdown: `${stem}.md`, record };
}
