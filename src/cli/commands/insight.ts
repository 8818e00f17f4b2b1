import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import type { InsightFilters } from '../../insight/index.ts';
import { INSIGHT_ENDPOINTS } from '../../insight/endpoints.ts';
import { readOptions } from '../../insight/options.ts';
import { HUMAN } from './insightHuman.ts';

export function filtersOf(o: Record<string, unknown>): InsightFilters {
  const f: InsightFilters = {};
  for (const k of ['from', 'to', 'channel', 'store', 'city', 'staff', 'segment'] as const) if (typeof o[k] === 'string') f[k] = o[k] as string;
  return f;
}

const kebab = (s: string) => s.replaceAll('_', '-');
const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * `siyu insight <name>`: one subcommand per insight question (src/insight/endpoints.ts), with the same filters and
 * options as GET /api/v1/insight/<name>.
 */
export function registerInsight(program: Command, env: CommandEnv): void {
  const insight = program.command('insight').description('Insight: KPIs, cohorts, RFM, lifecycle, tiers, behaviour … / 数据洞察');
  for (const e of INSIGHT_ENDPOINTS) {
    const c = insight.command(e.name).description(e.summary);
    if (e.filters !== false) {
      c.option('--from <day>', 'first local day, inclusive (YYYY-MM-DD)')
        .option('--to <day>', 'last local day, inclusive (YYYY-MM-DD)')
        .option('--channel <list>', 'channel(s), comma-separated')
        .option('--store <list>', 'store code(s), comma-separated')
        .option('--city <list>', 'customer city(ies), comma-separated')
        .option('--staff <list>', 'store guide code(s), comma-separated')
        .option('--segment <tag>', 'a tag / saved segment');
    }
    for (const [name, o] of Object.entries(e.options)) {
      const range = o.type !== 'string' && o.minimum !== undefined && o.maximum !== undefined && o.maximum < 1e9 ? ` [${o.minimum}–${o.maximum}]` : '';
      const desc = `${o.description}${o.enum ? ` (${o.enum.join(' | ')})` : ''}${range}`;
      if (o.default !== undefined) c.option(`--${kebab(name)} <value>`, desc, String(o.default));
      else c.option(`--${kebab(name)} <value>`, desc);
    }
    c.option('--json', 'machine-readable output');
    c.action(async (opts: Record<string, unknown>) => {
      const q = readOptions(e.options, Object.fromEntries(Object.keys(e.options).map((name) => [name, opts[camel(name)]])), 'cli', { filters: e.filters !== false });
      const r = await env.withApp((app) => e.run(app, filtersOf(opts), q));
      emit(env.output, opts.json as boolean, r, () => (HUMAN[e.name] ?? ((x: unknown) => JSON.stringify(x, null, 2)))(r));
    });
  }
}
