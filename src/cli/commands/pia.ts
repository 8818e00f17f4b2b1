import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { writePia } from '../../privacy/pia.ts';

/** `siyu pia`: writes a personal-information impact assessment record (个人信息保护影响评估). */
export function registerPia(program: Command, env: CommandEnv): void {
  program
    .command('pia')
    .description('Write a personal-information impact assessment from the actual configuration (PIPL arts. 55–56) / 影响评估')
    .option('--json', 'print the record as JSON')
    .action(async (o: { json?: boolean }) => {
      const r = await env.withApp((app) => writePia(app));
      emit(env.output, o.json, r.record, () => `impact assessment written:\n  ${r.markdown}\n  ${r.json}`);
    });
}
