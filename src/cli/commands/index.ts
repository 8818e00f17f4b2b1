import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { registerServe } from './serve.ts';
import { registerStats } from './stats.ts';
import { registerReport } from './report.ts';
import { registerInsight } from './insight.ts';
import { registerLint } from './lint.ts';
import { registerAudit } from './audit.ts';
import { registerConsent } from './consent.ts';
import { registerModel } from './model.ts';

/** Every `siyu` command, registered explicitly, one module per area. */
export function registerAll(program: Command, env: CommandEnv): void {
  registerServe(program, env);
  registerStats(program, env);
  registerReport(program, env);
  registerInsight(program, env);
  registerLint(program, env);
  registerAudit(program, env);
  registerConsent(program, env);
  registerModel(program, env);
}
