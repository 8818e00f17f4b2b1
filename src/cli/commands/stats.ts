import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { workspaceStats } from '../../insight/queries/workspaceStats.ts';

export function registerStats(program: Command, env: CommandEnv): void {
  program
    .command('stats')
    .description('Workspace counts: customers, orders, events, GMV / 工作空间概况')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const s = await env.withApp((app) => workspaceStats(app.warehouse, app.workspaceId));
      emit(env.output, o.json, s, () => `customers ${s.customers}\norders ${s.orders}\nevents ${s.events}\nGMV ¥${s.gmv.toFixed(2)}`);
    });
}
