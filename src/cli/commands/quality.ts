import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { qualityReport, type QualityReport } from '../../ingest/quality/index.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function human(q: QualityReport): string {
  const c = q.completeness;
  const out = [`completeness — ${c.customers.total} customers, ${c.orders.total} orders`];
  out.push('  customers: ' + Object.entries(c.customers).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${pct(v)}`).join(', '));
  out.push('  orders: ' + Object.entries(c.orders).filter(([k]) => k !== 'total').map(([k, v]) => `${k} ${pct(v)}`).join(', '));
  const invalidIds = Object.entries(q.invalid.invalidIdentifiers as Record<string, number>).map(([k, v]) => `${v} ${k}`).join(', ');
  out.push(`invalid — ${q.invalid.rowsRejected} of ${q.invalid.rowsRead} imported rows rejected in ${q.invalid.importRuns} runs; invalid identifiers not used: ${invalidIds || 'none'}; ${q.invalid.maskedIdentifiers} masked identifiers not used`);
  for (const [r, n] of Object.entries(q.invalid.byReason as Record<string, number>).slice(0, 8)) out.push(`  ${n} × ${r}`);
  const d = q.duplicates;
  out.push(`duplicates — ${d.merged} merges (${Object.entries(d.byRule as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}), ${d.unmerged} undone, ${d.openConflicts} conflicts open for review; records folded into another customer's: ${Object.entries(d.recordsFolded).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
  const o = q.orphans;
  out.push(`orphans — ${o.ordersWithoutCustomer + o.ordersWithUnknownCustomer} orders without a known customer (${pct(o.orderShare)}), ${o.orderLinesWithoutOrder} order lines without their order, ${o.eventsWithoutAnyone} events tied to no one`);
  const st = q.orderStatuses;
  const unknown = Object.entries(st.unknown);
  out.push(`order statuses — ${Object.entries(st.byStatus).map(([k, v]) => `${k} ${v}`).join(', ') || 'no orders'}${unknown.length ? `; not known (kept as written, counted as revenue; map them with "values"): ${unknown.map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`);
  out.push('consent — ' + (Object.entries(q.consent).map(([p, v]) => `${p} ${pct(v.coverage)}`).join(', ') || 'no consents recorded'));
  out.push('freshness —');
  for (const f of q.freshness) out.push(`  ${f.source} (${f.entities.join(', ')}): ${f.rows} orders/events, ${f.importedRows} rows imported, latest ${f.latestFact ?? '-'}, loaded ${f.loadedAt ?? '-'}${f.hoursSinceLoad !== null ? ` (${f.hoursSinceLoad} h ago)` : ''}`);
  return out.join('\n');
}

export function registerQuality(program: Command, env: CommandEnv): void {
  program
    .command('quality')
    .description('Data-quality report: completeness, invalid values, duplicates, orphans, consent coverage, freshness / 数据质量')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const q = await env.withApp((app) => qualityReport(app));
      emit(env.output, o.json, q, () => human(q));
    });
}
