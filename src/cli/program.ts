import { Command, CommanderError } from 'commander';
import { isUserError, formatUserError } from '../errors.ts';
import type { CommandEnv } from './env.ts';
import { registerCommands } from './commands/index.ts';
import { logError } from '../logging.ts';

/**
 * Builds the `siyu` command tree and runs argv through it. Exit codes: 0 ok, 1 a user error (one clear line,
 * in English and 中文), 2 an internal error (logged with context, never a stack trace on screen).
 */
export async function runProgram(argv: string[], env: CommandEnv): Promise<number> {
  const program = new Command('siyu')
    .description('Siyu (私域): private-domain customer data, insight and marketing for retail brands')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => env.output.out(s), writeErr: (s) => env.output.err(s), outputError: (s) => env.output.err(s.trim()) });
  await registerCommands(program, env, argv);
  program.commands.forEach(function inherit(c: Command) {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => env.output.out(s), writeErr: (s) => env.output.err(s), outputError: (s) => env.output.err(s.trim()) });
    c.commands.forEach(inherit);
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' && !env.forwarded ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    if (isUserError(e)) {
      env.output.err(formatUserError(e));
      return 1;
    }
    logError('cli', e, { command: argv[0] });
    env.output.err(`internal error: ${(e as Error).message?.split('\n')[0] ?? 'unknown'} (this is a bug; details in the log)`);
    return 2;
  }
}
