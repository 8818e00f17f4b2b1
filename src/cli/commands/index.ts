import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';

type Register = (program: Command, env: CommandEnv) => void;
type Loader = () => Promise<Register>;

/**
 * Every `siyu` command, one module per area, keyed by the top-level command names it registers. Modules are
 * imported only when needed: a run of `siyu insight kpi` loads the insight module alone, which keeps start-up
 * short (loading every area's code took ~1.7 s); `siyu --help` and unknown commands load them all.
 */
const COMMANDS: Record<string, Loader> = {
  serve: async () => (await import('./serve.ts')).registerServe,
  stats: async () => (await import('./stats.ts')).registerStats,
  import: async () => (await import('./import.ts')).registerImport,
  identity: async () => (await import('./import.ts')).registerImport,
  quality: async () => (await import('./quality.ts')).registerQuality,
  report: async () => (await import('./report.ts')).registerReport,
  insight: async () => (await import('./insight.ts')).registerInsight,
  tags: async () => (await import('./tags.ts')).registerTags,
  'lint-copy': async () => (await import('./lint.ts')).registerLint,
  audit: async () => (await import('./audit.ts')).registerAudit,
  consent: async () => (await import('./consent.ts')).registerConsent,
  sources: async () => (await import('./sources.ts')).registerSources,
  model: async () => (await import('./model.ts')).registerModel,
  demo: async () => (await import('./demo.ts')).registerDemo,
  dsr: async () => (await import('./dsr.ts')).registerDsr,
  keys: async () => (await import('./keys.ts')).registerKeys,
  users: async () => (await import('./users.ts')).registerUsers,
  pia: async () => (await import('./pia.ts')).registerPia,
  retention: async () => (await import('./retention.ts')).registerRetention,
  backup: async () => (await import('./backup.ts')).registerBackup,
  restore: async () => (await import('./backup.ts')).registerBackup,
  workspace: async () => (await import('./workspace.ts')).registerWorkspace,
};

/** The top-level command names, for callers that must know them without loading any module. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/**
 * Registers the command `argv` invokes, or every command when argv names none of them (root help, a typo: the
 * help text and commander's suggestion then see the whole tree). A module registering several names is
 * registered once.
 */
export async function registerCommands(program: Command, env: CommandEnv, argv: readonly string[]): Promise<void> {
  const first = argv[0];
  const loaders = first !== undefined && first in COMMANDS ? [COMMANDS[first]!] : Object.values(COMMANDS);
  const registers = await Promise.all(loaders.map((load) => load()));
  for (const register of new Set(registers)) register(program, env);
}
