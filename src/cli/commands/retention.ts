import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { retentionPolicies, runRetention, setRetention, DATA_CLASSES } from '../../privacy/retention.ts';
import { UserError } from '../../errors.ts';

/** `siyu retention list|set|run`: retention per data class (保存期限). */
export function registerRetention(program: Command, env: CommandEnv): void {
  const cmd = program.command('retention').description('Retention policies per data class and the purge / 数据保存期限');
  cmd.command('list').description('Policies / 策略').option('--json', 'machine-readable output').action(async (o: { json?: boolean }) => {
    const rows = await env.withApp((app) => retentionPolicies(app));
    emit(env.output, o.json, rows, () => rows.map((r) => `${r.data_class.padEnd(18)} ${r.keep_days === null ? 'kept' : `${r.keep_days} days`}\t${r.description ?? ''}`).join('\n'));
  });
  cmd
    .command('set <class> <days>')
    .description(`Set a policy (${DATA_CLASSES.join(', ')}); days or 'keep' / 设置`)
    .action(async (cls: string, days: string) => {
      const d = days === 'keep' ? null : Number(days);
      if (d !== null && Number.isNaN(d)) throw new UserError('bad_days', `'${days}' is not a number of days.`, `'${days}' 不是天数。`);
      await env.withApp((app) => setRetention(app, cls, d));
      env.output.out(`${cls}: ${d === null ? 'kept' : `${d} days`}`);
    });
  cmd
    .command('run')
    .description('Purge everything past its policy (audited) / 执行清理')
    .option('--dry-run', 'only count')
    .option('--json', 'machine-readable output')
    .action(async (o: { dryRun?: boolean; json?: boolean }) => {
      const rows = await env.withApp((app) => runRetention(app, { dryRun: o.dryRun }));
      emit(env.output, o.json, rows, () => rows.map((r) => `${r.data_class.padEnd(18)} ${o.dryRun ? 'would purge' : 'purged'} ${r.purged} ${r.unit}`).join('\n'));
    });
}
