import type { App } from '../../app/context.ts';
import { completeness } from './completeness.ts';
import { identityHealth } from './identityHealth.ts';
import { orphans } from './orphans.ts';
import { consentCoverage } from './consentCoverage.ts';
import { freshness } from './freshness.ts';
import { invalidValues } from './invalidValues.ts';
import { orderStatuses } from './orderStatuses.ts';

/** The data-quality report (数据质量报告) of `siyu quality` and GET /api/v1/quality. */
export async function qualityReport(app: App) {
  const ws = app.workspaceId;
  return {
    generatedAt: new Date().toISOString(),
    completeness: await completeness(app.warehouse, ws),
    invalid: await invalidValues(app),
    duplicates: await identityHealth(app.warehouse, ws),
    orphans: await orphans(app.warehouse, ws),
    orderStatuses: await orderStatuses(app.warehouse, ws),
    consent: await consentCoverage(app.warehouse, ws),
    freshness: await freshness(app),
  };
}

export type QualityReport = Awaited<ReturnType<typeof qualityReport>>;
