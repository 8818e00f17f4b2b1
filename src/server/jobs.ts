import type { App } from '../app/context.ts';
import { runRetention } from '../privacy/retention.ts';
import { fitBgNbdModel, fitGammaGammaModel } from '../models/fit.ts';
import { scoreClv } from '../models/score.ts';
import { repeatEvery } from './repeat.ts';
import { appOn } from '../app/context.ts';
import { relayConsentOutbox, syncConsentCopy } from '../privacy/consentCopy.ts';

/**
 * The daily jobs `siyu serve` runs (定时任务): retention purges (each audited by runRetention) and a refresh of the
 * CLV model fits and customer scores, so profiles carry scores from recent data without anyone asking. Each job
 * runs on its own; one failing is logged (no PII: the message only) and does not stop the others.
 */
export interface JobOutcome {
  job: string;
  ok: boolean;
  detail: Record<string, unknown>;
}

export const DAILY_JOBS: { name: string; run(app: App): Promise<Record<string, unknown>> }[] = [
  {
    name: 'retention',
    async run(app) {
      const purged = await runRetention(app);
      return { purged: purged.reduce((s, p) => s + p.purged, 0) };
    },
  },
  {
    name: 'clv-scores',
    async run(app) {
      const orders = await app.warehouse.scalar('select count(*) from orders where workspace_id = $ws and customer_id is not null', { ws: app.workspaceId });
      if (orders === 0) return { skipped: 'no orders' };
      const bg = await fitBgNbdModel(app, {});
      await fitGammaGammaModel(app, {});
      const s = await scoreClv(app, { horizonMonths: 12, discountRate: 0.1 });
      return { fitted_on: bg.customers, scored: s.customers, as_of: s.asOf };
    },
  },
];

export async function runDailyJobs(app: App, jobs = DAILY_JOBS): Promise<JobOutcome[]> {
  const out: JobOutcome[] = [];
  for (const j of jobs) {
    try {
      out.push({ job: j.name, ok: true, detail: await j.run(app) });
    } catch (e) {
      out.push({ job: j.name, ok: false, detail: { message: String((e as Error).message ?? e).split('\n')[0] } });
    }
  }
  await app.warehouse.checkpoint().catch(() => undefined);
  return out;
}

/** How often `siyu serve` brings the warehouse's copies of state up to date (changes made by other processes or nodes). */
export const STATE_COPY_EVERY_MS = 5_000;

/** Every few seconds: what imports left for the state store is relayed, and the copies of state are brought up to date. */
function startStateCopies(app: App, log: { error(o: object, m: string): void }): () => void {
  let own: App | null = null;
  const stop = repeatEvery(STATE_COPY_EVERY_MS, STATE_COPY_EVERY_MS, async () => {
    try {
      own ??= appOn(app, await app.warehouse.fork(), 'system');
      await relayConsentOutbox(own);
      await syncConsentCopy(own);
    } catch (e) {
      log.error({ job: 'state-copies', message: String((e as Error).message ?? e).split('\n')[0] }, 'state copy failed');
    }
  });
  return () => {
    stop();
    own?.warehouse.close();
  };
}

/**
 * Runs the daily jobs a while after start (SIYU_JOBS_FIRST_DELAY_MS, default 10 minutes) and then every 24 hours;
 * SIYU_JOBS=off turns them off. Returns the function that stops the schedule.
 */
export function startDailyJobs(app: App, log: { info(o: object, m: string): void; error(o: object, m: string): void }): () => void {
  const stopCopies = startStateCopies(app, log);
  if (process.env.SIYU_JOBS === 'off') return stopCopies;
  const stopDaily = repeatEvery(Number(process.env.SIYU_JOBS_FIRST_DELAY_MS ?? 600_000), 24 * 3600_000, async () => {
    for (const r of await runDailyJobs(app)) (r.ok ? log.info : log.error).call(log, { job: r.job, ...r.detail }, r.ok ? 'daily job done' : 'daily job failed');
  });
  return () => {
    stopCopies();
    stopDaily();
  };
}
