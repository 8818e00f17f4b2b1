import type { App } from '../app/context.ts';
import type { Output } from './output.ts';

/** What a command gets: where to write, the directory paths are relative to, and the store. */
export interface CommandEnv {
  output: Output;
  cwd: string;
  /** Runs fn with the open store. The CLI opens it (and closes it after); the server lends its own. */
  withApp<T>(fn: (app: App) => Promise<T>): Promise<T>;
  /** True when the command runs inside `siyu serve` (forwarded). */
  forwarded: boolean;
}
