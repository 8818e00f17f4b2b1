/**
 * For tests: consent entries written straight into the state ledger (in the order given, so ids follow it), then the
 * warehouse's copy brought up to date — what recordConsent does one at a time, for pools of thousands.
 */
import type { App } from '../../src/app/context.ts';
import { nextChanges } from '../../src/store/sync.ts';
import { syncConsentCopy } from '../../src/privacy/consentCopy.ts';

export interface SeedConsent { customerId: number; purpose: string; status: 'granted' | 'withdrawn'; changedAt: string | Date | number; source?: string | null; evidence?: string | null }

export async function seedConsents(app: Pick<App, 'state' | 'warehouse' | 'workspaceId'>, rows: SeedConsent[]): Promise<void> {
  if (rows.length) {
    await app.state.transaction(async () => {
      const last = await nextChanges(app.state, rows.length);
      let seq = last - rows.length;
      for (let i = 0; i < rows.length; i += 200) {
        const params: Record<string, unknown> = { ws: app.workspaceId, now: Date.now() };
        const values = rows.slice(i, i + 200).map((r, j) => {
          const at = r.changedAt instanceof Date ? r.changedAt.getTime() : typeof r.changedAt === 'number' ? r.changedAt : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(r.changedAt) ? r.changedAt : `${r.changedAt.replace(' ', 'T')}Z`);
          Object.assign(params, { [`s${j}`]: r.customerId, [`p${j}`]: r.purpose, [`t${j}`]: r.status, [`c${j}`]: at, [`o${j}`]: r.source ?? null, [`e${j}`]: r.evidence ?? null, [`q${j}`]: ++seq });
          return `($ws, $s${j}, $p${j}, $t${j}, $c${j}, $o${j}, $e${j}, $now, $q${j})`;
        });
        await app.state.run(`insert into consents (workspace_id, subject_id, purpose, status, changed_at, source, evidence, recorded_at, change_seq) values ${values.join(', ')}`, params);
      }
    });
  }
  await syncConsentCopy(app);
}

/** Empties the ledger and its copy (a test's fresh pool). */
export async function clearConsents(app: Pick<App, 'state' | 'warehouse'>): Promise<void> {
  await app.state.run('delete from consents');
  await app.warehouse.run('delete from consents');
}
