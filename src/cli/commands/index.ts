import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { registerServe } from './serve.ts';
import { registerStats } from './stats.ts';
import { registerImport } from './import.ts';
import { registerQuality } from './quality.ts';
import { registerReport } from './report.ts';
import { registerInsight } from './insight.ts';
import { registerTags } from './tags.ts';
import { registerLint } from './lint.ts';
import { registerAudit } from './audit.ts';
import { registerConsent } from './consent.ts';
import { registerSources } from './sources.ts';
import { registerModel } from './model.ts';
import { registerDemo } from './demo.ts';
import { registerDsr } from './dsr.ts';
import { registerKeys } from './keys.ts';
import { registerUsers } from './users.ts';
import { registerPia } from './pia.ts';
import { registerRetention } from './retention.ts';

/** Every `siyu` command, registered explicitly, one module per area. */
export function registerAll(program: Command, env: CommandEnv): void {
  registerServe(program, env);
  registerStats(program, env);
  registerImport(program, env);
  registerQuality(program, env);
  registerReport(program, env);
  registerInsight(program, env);
  registerTags(program, env);
  registerLint(program, env);
  registerAudit(program, env);
  registerConsent(program, env);
  registerSources(program, env);
  registerModel(program, env);
  registerDemo(program, env);
  registerDsr(program, env);
  registerKeys(program, env);
  registerUsers(program, env);
  registerPia(program, env);
  registerRetention(program, env);
}
