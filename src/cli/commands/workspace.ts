import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { setWorkspaceDisplayName, workspaceSettings, type WorkspaceSettings } from '../../report/workspace.ts';

const human = (w: WorkspaceSettings) => `workspace ${w.id}: ${w.display_name ?? '(no display name)'} · time zone ${w.timezone}`;

/** `siyu workspace …`: the workspace's settings (工作区设置) — today the display name the report prints. */
export function registerWorkspace(program: Command, env: CommandEnv): void {
  const cmd = program.command('workspace').description('The workspace: display name and settings / 工作区设置');
  cmd
    .command('show')
    .description('The workspace\'s settings / 查看工作区设置')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const w = await env.withApp((app) => workspaceSettings(app));
      emit(env.output, o.json, w, () => human(w));
    });
  cmd
    .command('set')
    .description('Set the display name printed on the report (e.g. --name "山岚茶事") / 设置显示名称')
    .requiredOption('--name <name>', 'the brand\'s display name, 1–80 characters')
    .option('--json', 'machine-readable output')
    .action(async (o: { name: string; json?: boolean }) => {
      const w = await env.withApp((app) => setWorkspaceDisplayName(app, o.name));
      emit(env.output, o.json, w, () => `display name set: ${w.display_name}`);
    });
}
