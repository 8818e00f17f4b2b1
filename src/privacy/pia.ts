/**
 * Personal-information impact assessment (个人信息保护影响评估, PIPL arts. 55–56), built from the store's actual
 * figures and configuration: people and data classes, purposes and consents, sharing, minors and sensitive data,
 * retention, requests, safeguards (keys, roles, audit chain), risks and measures. Written as a document in Chinese or
 * English — Markdown, HTML or PDF (src/domain/privacy/piaDocument.ts, piaRender.ts) — beside its figures as JSON,
 * under <data>/reports/ (0600, the folder 0700), and recorded in the audit log.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../app/context.ts';
import { auditAnchorUrl, keyringFromEnv, paths } from '../config.ts';
import { UserError } from '../errors.ts';
import { consentSummary } from './consentLedger.ts';
import { retentionPolicies } from './retention.ts';
import { listRequests } from './dsr/requests.ts';
import { verifyAudit } from './audit.ts';
import { keyUsage } from './rotate.ts';
import { MATRIX } from '../domain/privacy/roles.ts';
import { piaDocument, piaMarkdown, type Lang, type PiaRecord } from '../domain/privacy/piaDocument.ts';
import { piaHtml, piaPdf } from './piaRender.ts';

export const PIA_FORMATS = ['md', 'html', 'pdf'] as const;
export type PiaFormat = (typeof PIA_FORMATS)[number];

export async function buildPia(app: App): Promise<PiaRecord> {
  const ws = { ws: app.workspaceId };
  const c = await app.warehouse.get<Record<string, number>>(
    `select count(*) filter (where status = 'active') as active, count(*) filter (where status = 'restricted') as restricted,
            count(*) filter (where name_cipher is not null) as with_name, count(*) filter (where birthday_cipher is not null) as with_birthday,
            count(*) filter (where customer_is_minor(is_minor, birth_year, birth_md) and status = 'active') as minors
     from customers where workspace_id = $ws`, ws);
  const identifiers = await app.warehouse.all<{ id_type: string; n: number }>('select id_type, count(*) as n from customer_identifiers where workspace_id = $ws group by 1 order by 1', ws);
  const consents = await consentSummary(app);
  const keys = await app.state.all<{ role: string; n: number }>('select role, count(*) as n from api_keys where revoked_at is null group by role order by role');
  const users = await app.state.all<{ role: string; n: number }>('select role, count(*) as n from users where disabled = 0 group by role order by role');
  const dsr = await app.state.all<{ kind: string; status: string; n: number }>('select kind, status, count(*) as n from dsr_requests where workspace_id = $ws group by kind, status order by kind, status', ws);
  const brand = await app.state.get<{ name: string }>('select coalesce(display_name, name) as name from workspaces where id = $ws', ws);
  const audit = await verifyAudit(app);
  const num = (o: Record<string, unknown> | undefined, k: string) => Number(o?.[k] ?? 0);
  const count = (rows: { role: string; n: number }[]) => Object.fromEntries(rows.map((k) => [k.role, Number(k.n)]));
  let external = false;
  try {
    external = auditAnchorUrl() !== null;
  } catch {
    /* a bad sink URL is no sink */
  }
  return {
    generated_at: new Date().toISOString(),
    brand: brand?.name ?? 'default',
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
    sharing: { customers_permitted_for_third_party: consents.find((x) => x.purpose === 'third_party')?.permitted ?? 0, api_keys_by_role: count(keys) },
    sensitive_data: { classes_with_consent: consents.filter((x) => x.purpose.startsWith('sensitive_') && x.granted > 0).map((s) => s.purpose), minors_under_14: num(c, 'minors') },
    retention: await retentionPolicies(app),
    data_subject_requests: dsr.map((d) => ({ ...d, n: Number(d.n) })),
    overdue_requests: (await listRequests(app, { overdue: true })).length,
    safeguards: {
      keys: { active: app.keys.activeKeyId, ciphertexts_by_key: await keyUsage(app), location: keyringFromEnv() ? 'environment' : 'file' },
      access: { users_by_role: count(users), roles: Object.keys(MATRIX) },
      audit_log: { entries: audit.entries, intact: audit.ok, anchored: audit.anchored, problems: audit.problems.length, external_anchor: external },
    },
  };
}

export function assertPiaOptions(lang: string, format: string): asserts lang is Lang {
  if (lang !== 'zh' && lang !== 'en') throw new UserError('bad_lang', '--lang must be zh or en.', '--lang 必须是 zh 或 en。');
  if (!(PIA_FORMATS as readonly string[]).includes(format)) throw new UserError('bad_format', `--format must be one of ${PIA_FORMATS.join(', ')}.`, `--format 必须是 ${PIA_FORMATS.join('、')} 之一。`);
}

/** Writes the assessment (`pia-<date>.<lang>.<format>`) and its figures (`pia-<date>.json`); audited. */
export async function writePia(app: App, opts: { lang?: string; format?: string } = {}): Promise<{ document: string; json: string; record: PiaRecord }> {
  const lang = opts.lang ?? 'zh';
  const format = opts.format ?? 'md';
  assertPiaOptions(lang, format);
  const record = await buildPia(app);
  const doc = piaDocument(record);
  const content = format === 'md' ? piaMarkdown(doc, lang) : format === 'html' ? piaHtml(doc, lang) : await piaPdf(doc, lang);
  const dir = paths.reports(app.dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stem = join(dir, `pia-${record.generated_at.slice(0, 10)}`);
  const document = `${stem}.${lang}.${format}`;
  writeFileSync(document, content, { mode: 0o600 });
  writeFileSync(`${stem}.json`, JSON.stringify(record, null, 2), { mode: 0o600 });
  await app.audit({ actor: '', action: 'admin.pia', target: `pia:${record.generated_at.slice(0, 10)}`, detail: { lang, format } });
  return { document, json: `${stem}.json`, record };
}
