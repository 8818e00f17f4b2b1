import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { rotateKeys, keyUsage } from '../../privacy/rotate.ts';

/** `siyu keys rotate|status`: the encryption keys (密钥管理). */
export function registerKeys(program: Command, env: CommandEnv): void {
  const cmd = program.command('keys').description('Encryption keys: status and rotation / 密钥管理');
  cmd
    .command('status')
    .description('The active key and how many ciphertexts each key encrypts / 密钥状态')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const r = await env.withApp(async (app) => ({ active: app.keys.activeKeyId, keys: [...app.keys.aes.keys()], usage: await keyUsage(app) }));
      emit(env.output, o.json, r, () => r.keys.map((k) => `${k === r.active ? '*' : ' '} ${k}\t${r.usage[k] ?? 0} ciphertexts`).join('\n'));
    });
  cmd
    .command('rotate')
    .description('New AES key, re-encrypt every *_cipher column in batches (the server keeps serving), retire old keys / 轮换密钥')
    .option('--batch <n>', 'rows per batch', '5000')
    .option('--keep-old', 'keep old keys in the keyring after re-encryption')
    .option('--json', 'machine-readable output')
    .action(async (o: { batch: string; keepOld?: boolean; json?: boolean }) => {
      const r = await env.withApp((app) => rotateKeys(app, { batch: Number(o.batch) || 5000, keepOld: o.keepOld }));
      emit(env.output, o.json, r, () => [
        `new active key ${r.newKey}: ${r.reencrypted} values re-encrypted in ${r.seconds.toFixed(1)} s`,
        ...r.columns.filter((c) => c.reencrypted).map((c) => `  ${c.table}.${c.column}: ${c.reencrypted}`),
        r.retired.length ? `retired ${r.retired.join(', ')}` : 'old keys kept',
        ...(r.unreadable ? [`WARNING: ${r.unreadable} values under keys no longer held were left as they are`] : []),
      ].join('\n'));
    });
}
