/** What an import refreshes after its files are in (导入后的派生数据): aggregates, the purchase summary, rule tags. */
import type { App } from '../app/context.ts';
import { isUserError } from '../errors.ts';
import { refreshAggregates } from '../insight/aggregates.ts';
import { recomputeTags } from '../insight/tags.ts';
import { refreshPurchaseSummary } from '../models/purchaseSummary.ts';
import { logError } from '../logging.ts';

let derivedTail: Promise<unknown> = Promise.resolve();

/**
 * After the files: the aggregates, the purchase summary and the rule tags (they showed 0 until `siyu tags recompute`)
 * follow the data. They are derived — recomputed from watermarks whenever next asked — so a step that fails does not
 * undo the files, which are in: the summary says so. The imports of one process refresh one at a time (two at once
 * conflicted on the same rows: 'Conflict on tuple deletion'), and a conflict with another writer is tried again.
 */
export function refreshDerived(app: App): Promise<string[]> {
  const run = derivedTail.then(async () => {
    const warnings: string[] = [];
    const steps: [string, () => Promise<unknown>, string][] = [
      ['aggregates', () => refreshAggregates(app), 'the insight aggregates will be refreshed when next read'],
      ['purchase summary', () => refreshPurchaseSummary(app.warehouse, app.workspaceId), 'the models\' purchase summary will be refreshed when next used'],
      ['rule tags', () => recomputeTags(app), 'run siyu tags recompute'],
    ];
    for (const [name, step, then] of steps) {
      try {
        await retryOnConflict(step);
      } catch (e) {
        if (!isUserError(e)) logError('import', e, { step: name });
        warnings.push(`${name} not refreshed (${isUserError(e) ? e.message : 'internal error'}): ${then}`);
      }
    }
    return warnings;
  });
  derivedTail = run.catch(() => undefined);
  return run;
}

async function retryOnConflict<T>(fn: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= tries || !/conflict/i.test(String((e as Error)?.message ?? e))) throw e;
      await new Promise((r) => setTimeout(r, 50 * i));
    }
  }
}
