import { dataDir } from '../config.ts';
import { liveLock } from '../server/lock.ts';
import { terminal } from './output.ts';
import { runProgram } from './program.ts';
import { forward } from './forward.ts';
import type { CommandEnv } from './env.ts';
import { isUserError, formatUserError } from '../errors.ts';

/** Commands that never touch the store, or must hold it themselves. */
const LOCAL = new Set(['serve', 'help', 'lint-copy', '--help', '-h', '--version', '-V']);

export async function main(argv: string[]): Promise<number> {
  const dir = dataDir();
  const wantsHelp = argv.includes('--help') || argv.includes('-h') || argv.length === 0;
  const lock = !wantsHelp && !LOCAL.has(argv[0] ?? '') ? liveLock(dir) : null;
  try {
    if (lock) return await forward(lock, argv, process.cwd(), terminal);
  } catch (e) {
    if (isUserError(e)) {
      terminal.err(formatUserError(e));
      return 1;
    }
    throw e;
  }
  const env: CommandEnv = {
    output: terminal,
    cwd: process.cwd(),
    forwarded: false,
    async withApp(fn) {
      const { openApp } = await import('../app/context.ts');
      const app = await openApp({ dir });
      try {
        return await fn(app);
      } finally {
        app.close();
      }
    },
  };
  return runProgram(argv, env);
}
