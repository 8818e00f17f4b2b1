/**
 * Audiences of recommendations (建议的执行人群): each is saved as a tag `report:<key>` (customer_tags, source
 * 'report') so the insight filters, segment exports and campaigns can act on exactly those customers; reach per
 * marketing channel comes from the consent policy's own SQL (permitted_customers, migration 030).
 */
import type { App } from '../app/context.ts';
import { consentFilter } from '../privacy/policy.ts';
import type { Purpose } from '../domain/privacy/consent.ts';
import type { Recommendation, Text } from './model.ts';
import { saveTagDefinition } from '../insight/tagDefinitions.ts';

export const MARKETING_CHANNELS: { channel: string; purpose: Purpose }[] = [
  { channel: 'wecom', purpose: 'marketing_wecom' },
  { channel: 'sms', purpose: 'marketing_sms' },
  { channel: 'email', purpose: 'marketing_email' },
  { channel: 'push', purpose: 'marketing_push' },
];

export const audienceTag = (key: string): string => `report:${key}`;

/**
 * Saves the customers selected by `selectSql` (a query returning `customer_id`, fixed text with bound params)
 * as the tag report:<key>, replacing the previous members. Returns the audience size.
 */
export async function saveAudience(app: App, key: string, rule: Text, selectSql: string, params: Record<string, unknown>): Promise<number> {
  const tag = audienceTag(key);
  const ws = app.workspaceId;
  await app.warehouse.transaction(async () => {
    await app.warehouse.run(`delete from customer_tags where workspace_id = $ws and tag = $tag`, { ws, tag });
    await app.warehouse.run(`insert into customer_tags (workspace_id, customer_id, tag, source)
      select distinct $ws, customer_id, $tag, 'report' from (${selectSql}) a where customer_id is not null`, { ...params, ws, tag });
  });
  await saveTagDefinition(app, tag, null, `${rule.zh} / ${rule.en}`);
  const [r] = await app.warehouse.all(`select count(*) as n from customer_tags where workspace_id = $ws and tag = $tag`, { ws, tag });
  return Number(r.n);
}

/** How many of the audience each marketing channel may reach under their consent (channels reaching nobody left out). */
export async function audienceReach(app: App, key: string): Promise<Recommendation['channels']> {
  const out: Recommendation['channels'] = [];
  for (const m of MARKETING_CHANNELS) {
    const f = consentFilter(m.purpose, 't.customer_id');
    const [r] = await app.warehouse.all(`select count(*) as n from customer_tags t where t.workspace_id = $ws and t.tag = $tag and ${f.sql}`,
      { ws: app.workspaceId, tag: audienceTag(key), ...f.params });
    if (Number(r.n) > 0) out.push({ channel: m.channel, reachable: Number(r.n) });
  }
  return out.sort((a, b) => b.reachable - a.reachable);
}

/** The link under which the saved segment's KPIs can be looked at (the insight API filtered by its tag). */
export const segmentLink = (key: string): string => `/api/v1/insight/kpi?segment=${encodeURIComponent(audienceTag(key))}`;
