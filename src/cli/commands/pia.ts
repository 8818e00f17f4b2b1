import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { assertPiaOptions, writePia, PIA_FORMATS } from '../../privacy/pia.ts';

/** `siyu pia`: writes the personal-information impact assessment (个人信息保护影响评估报告) as a document. */
export function registerPia(program: Command, env: CommandEnv): void {
  program
    .command('pia')
    .description('Write the personal-information impact assessment from the actual data and configuration (PIPL arts. 55–56) / 影响评估报告')
    .option('--lang <lang>', 'zh | en', 'zh')
    .option('--format <format>', PIA_FORMATS.join(' | '), 'md')
    .option('--json', 'print the figures as JSON (the document is written all the same)')
    .action(async (o: { lang: string; format: string; json?: boolean }) => {
      assertPiaOptions(o.lang, o.format);
      const r = await env.withApp((app) => writePia(app, { lang: o.lang, format: o.format }));
      emit(env.output, o.json, r.record, () => `impact assessment written / 影响评估报告已生成:\n  ${r.document}\n  ${r.json} (figures / 数据)`);
    });
}
