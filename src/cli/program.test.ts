import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runProgram } from './program.ts';
import { bufferOutput } from './output.ts';
import { COMMAND_NAMES } from './commands/index.ts';
import type { CommandEnv } from './env.ts';

function env(): CommandEnv & { output: ReturnType<typeof bufferOutput> } {
  return {
    output: bufferOutput(),
    cwd: process.cwd(),
    forwarded: false,
    withApp: () => Promise.reject(new Error('these tests never open a store')),
  };
}

test('siyu --help lists every top-level command, although each command module is loaded only when needed', async () => {
  const e = env();
  assert.equal(await runProgram(['--help'], e), 0);
  const help = e.output.stdout.join('');
  for (const name of COMMAND_NAMES) assert.match(help, new RegExp(`^\\s+${name}\\b`, 'm'), `${name} missing from --help`);
});

test('a command loaded on its own still has its subcommands and help', async () => {
  const e = env();
  assert.equal(await runProgram(['insight', '--help'], e), 0);
  assert.match(e.output.stdout.join(''), /\bkpi\b/);
  const i = env();
  assert.equal(await runProgram(['identity', '--help'], i), 0, 'identity lives in the import module');
  assert.match(i.output.stdout.join(''), /Usage: siyu identity/);
});

test('an unknown command is a user error (exit 1) with a suggestion from the whole tree', async () => {
  const e = env();
  assert.equal(await runProgram(['insigth'], e), 1);
  assert.match(e.output.stderr.join(''), /insight/);
});
