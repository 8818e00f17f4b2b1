import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { lintCopy, COPY_CHANNELS, type CopyChannel } from '../../domain/privacy/adlaw.ts';
import { UserError } from '../../errors.ts';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** `siyu lint-copy`: advertising-law check of message copy (广告法检查). Needs no store. */
export function registerLint(program: Command, env: CommandEnv): void {
  program
    .command('lint-copy')
    .description('Check message copy against the Advertising Law and SMS rules / 文案广告法检查')
    .option('--text <text>', 'the copy to check')
    .option('--file <path>', 'read the copy from a UTF-8 file')
    .option('--channel <channel>', `sms | email | wecom | push | mini_program | other`, 'other')
    .option('--json', 'machine-readable output')
    .action((o: { text?: string; file?: string; channel: string; json?: boolean }) => {
      if (!COPY_CHANNELS.includes(o.channel as CopyChannel)) {
        throw new UserError('bad_channel', `--channel must be one of ${COPY_CHANNELS.join(', ')}.`, `--channel 必须是 ${COPY_CHANNELS.join('、')} 之一。`);
      }
      const text = o.text ?? (o.file ? readFileSync(resolve(env.cwd, o.file), 'utf8') : undefined);
      if (text === undefined) throw new UserError('no_text', 'Give the copy with --text or --file.', '请用 --text 或 --file 提供文案。');
      const r = lintCopy(text, o.channel as CopyChannel);
      emit(env.output, o.json, r, () => {
        if (r.findings.length === 0) return 'ok: no findings / 未发现问题';
        const lines = r.findings.map((f) => {
          const at = f.start !== undefined ? ` [${f.start}-${f.end}] 「${f.term}」` : '';
          const sug = f.suggestions.length ? ` → ${f.suggestions.join(' / ')}` : '';
          return `${f.severity.padEnd(7)} ${f.rule}${at}${sug}\n        ${f.message_zh}`;
        });
        return `${lines.join('\n')}\n${r.ok ? 'ok (warnings only)' : 'NOT OK: fix the errors before sending / 请修改后再发送'}`;
      });
      if (!r.ok) process.exitCode = 1;
    });
}
