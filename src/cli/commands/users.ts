import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { createUser, listUsers, setPassword, updateUser, createApiKey, listApiKeys, revokeApiKey } from '../../server/auth/users.ts';
import { ROLES } from '../../domain/privacy/roles.ts';

/** `siyu users …`: console accounts and API keys (账号与 API 密钥). Whoever runs the CLI on the host is trusted. */
export function registerUsers(program: Command, env: CommandEnv): void {
  const cmd = program.command('users').description('Console users, roles and API keys / 用户与权限');
  cmd
    .command('list')
    .description('Users and their roles / 用户列表')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const rows = await env.withApp((app) => listUsers(app));
      emit(env.output, o.json, rows, () => rows.map((u) => `${u.username}\t${u.role}${u.staff_code ? ` (${u.staff_code})` : ''}${u.disabled ? '\tDISABLED' : ''}\tlast login ${u.last_login_at ?? 'never'}`).join('\n') || '(none)');
    });
  cmd
    .command('add <username>')
    .description('Create a user; prints a one-time password once / 新建用户')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--staff-code <code>', 'for a store guide: the staff code whose customers they see')
    .option('--json', 'machine-readable output')
    .action(async (username: string, o: { role: string; staffCode?: string; json?: boolean }) => {
      const r = await env.withApp((app) => createUser(app, { username, role: o.role, staffCode: o.staffCode, mustChange: true }));
      emit(env.output, o.json, r, () => `created ${r.username} (${o.role}); one-time password: ${r.password}\n(shown once — the user must change it at first login)`);
    });
  cmd
    .command('passwd <username>')
    .description('Set a new one-time password (ends their sessions) / 重置密码')
    .option('--password <pw>', 'the new password (default: a random one, printed once)')
    .option('--json', 'machine-readable output')
    .action(async (username: string, o: { password?: string; json?: boolean }) => {
      const pw = o.password ?? (await import('../../server/auth/passwords.ts')).randomSecret(12);
      await env.withApp((app) => setPassword(app, username, pw, true));
      emit(env.output, o.json, { username, password: o.password ? undefined : pw }, () => (o.password ? `password set for ${username}` : `new one-time password for ${username}: ${pw}`));
    });
  for (const [name, desc, ch] of [
    ['disable', 'Disable a user (ends their sessions) / 停用', { disabled: true }],
    ['enable', 'Enable a user / 启用', { disabled: false }],
  ] as const) {
    cmd.command(`${name} <username>`).description(desc).action(async (username: string) => {
      await env.withApp((app) => updateUser(app, username, ch));
      env.output.out(`${username} ${name}d`);
    });
  }
  cmd
    .command('role <username> <role>')
    .description('Change a user\'s role / 修改角色')
    .option('--staff-code <code>', 'staff code (for guide)')
    .action(async (username: string, role: string, o: { staffCode?: string }) => {
      await env.withApp((app) => updateUser(app, username, { role, staffCode: o.staffCode }));
      env.output.out(`${username} is now ${role}`);
    });
  const keys = cmd.command('api-key').description('Scoped API keys for integrations / API 密钥');
  keys
    .command('create <name>')
    .description('Create a key; prints it once / 新建密钥')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--scopes <list>', 'comma-separated permissions (e.g. segments:read,consent:write); default: the role\'s full rights')
    .option('--staff-code <code>', 'for a guide key')
    .option('--expires-days <n>', 'expiry in days')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { role: string; scopes?: string; staffCode?: string; expiresDays?: string; json?: boolean }) => {
      const r = await env.withApp((app) => createApiKey(app, { name, role: o.role, scopes: o.scopes?.split(',').map((s) => s.trim()).filter(Boolean), staffCode: o.staffCode, expiresDays: o.expiresDays ? Number(o.expiresDays) : undefined }));
      emit(env.output, o.json, r, () => `key ${r.id}: ${r.key}\n(shown once — send it as 'Authorization: Bearer <key>')`);
    });
  keys.command('list').option('--json', 'machine-readable output').description('Keys (never their secrets) / 密钥列表').action(async (o: { json?: boolean }) => {
    const rows = await env.withApp((app) => listApiKeys(app));
    emit(env.output, o.json, rows, () => rows.map((k) => `${k.id}\t${k.name}\t${k.role}\t${k.scopes}${k.revoked_at ? '\tREVOKED' : ''}`).join('\n') || '(none)');
  });
  keys.command('revoke <id>').description('Revoke a key / 吊销密钥').action(async (id: string) => {
    await env.withApp((app) => revokeApiKey(app, id));
    env.output.out(`key ${id} revoked`);
  });
}
