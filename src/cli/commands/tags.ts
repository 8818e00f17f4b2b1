import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { UserError } from '../../errors.ts';
import { defineTag, listTags, recomputeTags, tagCustomers } from '../../insight/tags.ts';

const ids = (list: string) => {
  const out = list.split(',').map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isInteger(n) || n <= 0)) throw new UserError('bad_customer', `--customers takes customer ids, comma-separated, not '${list}'.`, `--customers 需要以逗号分隔的客户 ID，而不是 '${list}'。`);
  return out;
};

/** `siyu tags …`: tag definitions (rule or manual), manual tagging and the incremental recompute. */
export function registerTags(program: Command, env: CommandEnv): void {
  const tags = program.command('tags').description('Customer tags: rules and manual / 客户标签');
  tags.command('list').description('Tags and how many customers carry each').option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const r = await env.withApp((app) => listTags(app));
      emit(env.output, o.json, r, () => r.map((t) => `${t.name} (${t.kind}) ${t.customers}${t.rule ? `  ${JSON.stringify(t.rule)}` : ''}`).join('\n'));
    });
  tags.command('define <name>').description('Define a tag; with --rule a rule tag, else manual')
    .option('--rule <json>', 'e.g. {"all":[{"field":"spend_12m","op":">=","value":2000}]}')
    .option('--description <text>')
    .action(async (name: string, o: { rule?: string; description?: string }) => {
      let rule: unknown;
      if (o.rule) {
        try { rule = JSON.parse(o.rule); } catch { throw new UserError('bad_rule', '--rule must be JSON.', '--rule 必须是 JSON。'); }
      }
      await env.withApp((app) => defineTag(app, name, rule, o.description));
      env.output.out(`defined ${name}`);
    });
  tags.command('recompute').description('Recompute rule tags (incremental unless --full)').option('--full').option('--as-of <day>').option('--json', 'machine-readable output')
    .action(async (o: { full?: boolean; asOf?: string; json?: boolean }) => {
      const r = await env.withApp((app) => recomputeTags(app, { full: o.full, asOf: o.asOf }));
      emit(env.output, o.json, r, () => `${r.mode}, as of ${r.as_of}, ${r.customers_in_scope} customers recomputed\n${Object.entries(r.tags).map(([k, v]) => `${k}: ${v}`).join('\n')}`);
    });
  for (const [cmd, remove] of [['add', false], ['remove', true]] as const) {
    tags.command(`${cmd} <tag>`).description(`${remove ? 'Remove' : 'Add'} a manual tag`).requiredOption('--customers <ids>', 'customer ids, comma-separated')
      .action(async (tag: string, o: { customers: string }) => {
        const n = await env.withApp((app) => tagCustomers(app, tag, ids(o.customers), remove));
        env.output.out(`${remove ? 'removed' : 'tagged'} ${n}`);
      });
  }
}
