import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { backup, restore } from '../../app/backup.ts';
import { dataDir } from '../../config.ts';
import { UserError } from '../../errors.ts';

const KEYRING_NOTE = 'The keyring (keyring.json, or SIYU_KEYRING) is not in the backup: keep a copy of it apart and safe — without it the backup\'s personal data cannot be read. / 密钥环不在备份中：请另行安全保管一份，否则无法读取备份中的个人信息。';

/** `siyu backup DIR` and `siyu restore DIR`: a consistent snapshot of both stores, and bringing one back. */
export function registerBackup(program: Command, env: CommandEnv): void {
  program
    .command('backup')
    .description('Write a consistent backup of the store (warehouse and state) to a new folder; works while the server runs / 备份')
    .argument('<dir>', 'a new or empty folder')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, o: { json?: boolean }) => {
      const m = await env.withApp((app) => backup(app, resolve(env.cwd, dir)));
      emit(env.output, o.json, { ...m, note: KEYRING_NOTE }, () =>
        `backup written to ${resolve(env.cwd, dir)}: ${m.warehouse.customers} customers, ${m.warehouse.orders} orders, ${m.warehouse.events} events; state from ${m.state_engine}\n${KEYRING_NOTE}`);
    });
  program
    .command('restore')
    .description('Replace the store with a backup (the server must be stopped; the current store is moved aside) / 恢复')
    .argument('<dir>', 'a folder written by siyu backup')
    .option('--force', 'replace a store that exists (moved aside into replaced-<time>/)')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, o: { force?: boolean; json?: boolean }) => {
      if (env.forwarded) throw new UserError('server_running', 'Stop `siyu serve` before restoring: a running server holds the store.', '恢复前请先停止 siyu serve：运行中的服务器占用着数据库。', 409);
      const r = await restore(dataDir(), resolve(env.cwd, dir), { force: o.force });
      await env.withApp(async (app) => {
        await app.audit({ actor: app.actor, action: 'store.restore', detail: { backup_created_at: r.manifest.created_at, replaced: r.replacedInto !== null } });
      });
      emit(env.output, o.json, r, () =>
        `restored the backup of ${r.manifest.created_at}: ${r.manifest.warehouse.customers} customers, ${r.manifest.warehouse.orders} orders, ${r.manifest.warehouse.events} events` +
        (r.replacedInto ? `\nthe store it replaced was moved to ${r.replacedInto}` : ''));
    });
}
