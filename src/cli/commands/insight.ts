import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { UserError } from '../../errors.ts';
import type { InsightFilters } from '../../insight/index.ts';
import { INSIGHT_ENDPOINTS, type Query } from '../../insight/endpoints.ts';
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
      const desc = `${o.description}${o.enum ? ` (${o.enum.join(' | ')})` : ''}`;
      if (o.default !== undefined) c.option(`--${kebab(name)} <value>`, desc, String(o.default));
      else c.option(`--${kebab(name)} <value>`, desc);
    }
    c.option('--json', 'machine-readable output');
    c.action(async (opts: Record<string, unknown>) => {
      const q: Query = {};
      for (const [name, o] of Object.entries(e.options)) {
        const v = opts[camel(name)];
        if (v === undefined) continue;
        if (o.type !== 'string') {
          const x = Number(v);
          if (!Number.isFinite(x)) throw new UserError('bad_number', `--${kebab(name)} must be a number, not '${String(v)}'.`, `--${kebab(name)} 必须是数字，而不是 '${String(v)}'。`);
          q[name] = x;
        } else {
          if (o.enum && !o.enum.includes(String(v))) throw new UserError('bad_option', `--${kebab(name)} must be one of ${o.enum.join(', ')}.`, `--${kebab(name)} 必须是 ${o.enum.join('、')} 之一。`);
          q[name] = String(v);
        }
      }
      const r = await env.withApp((app) => e.run(app, filtersOf(opts), q));
      emit(env.output, opts.json as boolean, r, () => (HUMAN[e.name] ?? ((x: unknown) => JSON.stringify(x, null, 2)))(r));
    });
  }
}
