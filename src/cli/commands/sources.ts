import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { createSource, revealWriteKey } from '../../collect/sources.ts';
import { sourcesReport } from '../../collect/report.ts';

/** `siyu sources list|create|show`: collection sources (数据源) and their write keys. */
export function registerSources(program: Command, env: CommandEnv): void {
  const sources = program.command('sources').description('Collection sources and their write keys / 数据源与写入密钥');

  sources
    .command('list')
    .description('Sources with stored event counts, last-seen and errors / 列出数据源及事件数')
    .option('--tail', 'include the last events received by each source (masked; needs the server running)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean; tail?: boolean }) => {
      const rows = await env.withApp((app) => sourcesReport(app, { tail: o.tail }));
      emit(env.output, o.json, { sources: rows }, () => {
        if (!rows.length) return 'no sources yet — create one with: siyu sources create --name web';
        const lines = rows.map((r) => `${r.name.padEnd(16)} ${r.kind.padEnd(9)} ${String(r.events).padStart(10)} events  ${String(r.duplicates).padStart(7)} dup  ${String(r.errors).padStart(5)} errors  last seen ${r.last_seen_at ?? '—'}  key ${r.write_key_masked}`);
        const tails = o.tail ? rows.flatMap((r) => (r.tail ?? []).map((t) => `  ${r.name} ${t.received_at} ${t.type} ${t.anonymous_key ?? ''} ${JSON.stringify(t.properties)}`)) : [];
        return ['name             kind          events     dups  errors', ...lines, ...tails].join('\n');
      });
    });

  sources
    .command('create')
    .description('Create a source and print its write key / 创建数据源并显示写入密钥')
    .requiredOption('--name <name>', 'source name (also the 神策 project name)')
    .option('--kind <kind>', 'tracking | sensors | wecom', 'tracking')
    .option('--json', 'machine-readable output')
    .action(async (o: { name: string; kind: string; json?: boolean }) => {
      const s = await env.withApp((app) => createSource(app, o.name, o.kind));
      emit(env.output, o.json, s, () => [
        `source '${s.name}' created (id ${s.id})`,
        `write key: ${s.write_key}`,
        `Segment SDK:  host http://<server>:<port>, writeKey ${s.write_key}`,
        `神策 SDK:     server_url http://<server>:<port>/sa?project=${encodeURIComponent(s.name)}&token=${s.write_key}`,
      ].join('\n'));
    });

  sources
    .command('show-key')
    .description('Print a source\'s write key again (audited) / 显示写入密钥（记入审计）')
    .requiredOption('--name <name>', 'source name')
    .option('--json', 'machine-readable output')
    .action(async (o: { name: string; json?: boolean }) => {
      const key = await env.withApp((app) => revealWriteKey(app, o.name));
      emit(env.output, o.json, { name: o.name, write_key: key }, () => key);
    });
}
