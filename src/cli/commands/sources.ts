import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { createSource, revealWriteKey, rotateWriteKey, sourceSpec } from '../../collect/sources.ts';
import { collectorStatus, describeCollector, sourcesReport } from '../../collect/report.ts';
import { createWecomSource, wecomConfig } from '../../collect/wecomStore.ts';
import { reconcileWecom } from '../../collect/wecomReconcile.ts';
import { UserError } from '../../errors.ts';
import { setEventSchema, listViolations } from '../../collect/schemas.ts';
import { parseSchemaSpec } from '../../domain/collect/schema.ts';

/** `siyu sources list|create|show`: collection sources (数据源) and their write keys. */
export function registerSources(program: Command, env: CommandEnv): void {
  const sources = program.command('sources').description('Collection sources and their write keys / 数据源与写入密钥');

  sources
    .command('list')
    .description('Sources with stored event counts, last-seen and errors / 列出数据源及事件数')
    .option('--tail', 'include the last events received by each source (masked; needs the server running)')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean; tail?: boolean }) => {
      const { rows, collector } = await env.withApp(async (app) => ({ rows: await sourcesReport(app, { tail: o.tail }), collector: collectorStatus(app) }));
      emit(env.output, o.json, { sources: rows, collector }, () => {
        if (!rows.length) return 'no sources yet — create one with: siyu sources create --name web';
        const lines = rows.map((r) => `${r.name.padEnd(16)} ${r.kind.padEnd(9)} ${r.trust.padEnd(6)} ${String(r.events).padStart(10)}  ${String(r.duplicates).padStart(7)}  ${String(r.dead_letters).padStart(5)}  ${String(r.errors).padStart(6)}  last seen ${r.last_seen_at ?? '—'}  key ${r.write_key_masked}`);
        const tails = o.tail ? rows.flatMap((r) => (r.tail ?? []).map((t) => `  ${r.name} ${t.received_at} ${t.type} ${t.anonymous_key ?? ''} ${JSON.stringify(t.properties)}`)) : [];
        const dead = rows.some((r) => r.dead_letters) ? ['dead letters: acknowledged events that could not be stored, kept with the reason (collect_dead_letters) / 死信：已确认但无法入库的事件'] : [];
        return ['name             kind      trust      events     dups   dead  errors', ...lines, ...tails, ...dead, describeCollector(collector)].join('\n');
      });
    });

  sources
    .command('create')
    .description('Create a source and print its write key / 创建数据源并显示写入密钥')
    .requiredOption('--name <name>', 'source name (also the 神策 project name)')
    .option('--kind <kind>', 'tracking | sensors | wecom | server (= tracking, trust server)', 'tracking')
    .option('--trust <trust>', 'client (default: the key may be public, e.g. in a web page) | server (a secret key on your back end)')
    .option('--capture-consent', 'client sources: record consent changes that carry their evidence (policy version, capture context)')
    .option('--corp-id <id>', 'wecom: the corp id (企业ID, the callback receiveid)')
    .option('--token <token>', 'wecom: the callback Token')
    .option('--aes-key <key>', 'wecom: the callback EncodingAESKey (43 characters)')
    .option('--secret <secret>', 'wecom: the 客户联系 API secret, for `siyu sources reconcile`')
    .option('--api-base <url>', 'wecom: API base URL', 'https://qyapi.weixin.qq.com')
    .option('--json', 'machine-readable output')
    .action(async (o: { name: string; kind: string; trust?: string; captureConsent?: boolean; json?: boolean; corpId?: string; token?: string; aesKey?: string; secret?: string; apiBase?: string }) => {
      if (o.kind === 'wecom') {
        const w = await env.withApp((app) => createWecomSource(app, { name: o.name, corpId: o.corpId ?? '', token: o.token ?? '', encodingAesKey: o.aesKey ?? '', secret: o.secret, apiBase: o.apiBase }));
        emit(env.output, o.json, w, () => `WeCom source '${w.name}' created (id ${w.id}); set the callback URL to http(s)://<server>${w.callback_path}`);
        return;
      }
      const spec = sourceSpec({ kind: o.kind, trust: o.trust, captureConsent: o.captureConsent });
      const s = await env.withApp((app) => createSource(app, o.name, spec));
      emit(env.output, o.json, s, () => [
        `source '${s.name}' created (id ${s.id}, ${s.trust === 'server' ? 'server: keep the key secret' : 'client: the key may be public; phones and e-mails it sends are kept as unverified claims'})`,
        `write key: ${s.write_key}`,
        `Segment SDK:  host http://<server>:<port>, writeKey ${s.write_key}`,
        `神策 SDK:     server_url http://<server>:<port>/sa?project=${encodeURIComponent(s.name)}&token=${s.write_key}`,
      ].join('\n'));
    });

  sources
    .command('reconcile')
    .description('Re-read WeCom contacts and groups through the API and fix what callbacks missed / 企业微信对账')
    .requiredOption('--name <name>', 'WeCom source name')
    .option('--json', 'machine-readable output')
    .action(async (o: { name: string; json?: boolean }) => {
      const r = await env.withApp(async (app) => {
        const cfg = await wecomConfig(app, o.name);
        if (!cfg) throw new UserError('no_source', `There is no WeCom source named '${o.name}'.`, `没有名为 '${o.name}' 的企业微信数据源。`, 404);
        return reconcileWecom(app, cfg);
      });
      emit(env.output, o.json, r, () => Object.entries(r).map(([k, v]) => `${k} ${v}`).join('\n'));
    });

  sources
    .command('schema')
    .description('Set the properties an event must carry and their types / 设置事件校验规则')
    .requiredOption('--event <name>', 'event name as sent (e.g. "Order Completed")')
    .option('--required <props>', 'comma-separated property names that must be present')
    .option('--types <pairs>', 'comma-separated name:type (string, number, boolean, object, array)')
    .option('--json', 'machine-readable output')
    .action(async (o: { event: string; required?: string; types?: string; json?: boolean }) => {
      let schema;
      try {
        schema = parseSchemaSpec(o.required, o.types);
      } catch (e) {
        throw new UserError('bad_schema', (e as Error).message, `校验规则格式错误：${(e as Error).message}`);
      }
      await env.withApp((app) => setEventSchema(app, o.event, schema));
      emit(env.output, o.json, { event: o.event, schema }, () => `schema for '${o.event}' set: required ${schema.required.join(', ') || '—'}; types ${Object.entries(schema.types).map(([k, v]) => `${k}:${v}`).join(', ') || '—'}`);
    });

  sources
    .command('violations')
    .description('Schema violations per source and event (events are stored anyway) / 事件校验问题')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const rows = await env.withApp((app) => listViolations(app));
      emit(env.output, o.json, { violations: rows }, () => rows.length ? rows.map((r) => `${r.source}  ${r.event}  ${r.problem}  ×${r.count}  (e.g. ${r.example_event_id})`).join('\n') : 'no schema violations');
    });

  sources
    .command('rotate-key')
    .description('Give a source a new write key; the old one stops working within a second (audited) / 更换写入密钥')
    .requiredOption('--name <name>', 'source name')
    .option('--json', 'machine-readable output')
    .action(async (o: { name: string; json?: boolean }) => {
      const r = await env.withApp((app) => rotateWriteKey(app, o.name));
      emit(env.output, o.json, r, () => `source '${r.name}': new write key ${r.write_key} (the old one no longer works)`);
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
