import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { importFiles, type ImportSummary } from '../../ingest/index.ts';
import { ENTITY_NAMES, type Entity } from '../../ingest/canonical.ts';
import { PRESETS } from '../../ingest/presets/index.ts';
import { unmerge } from '../../identity/merges.ts';
import { saveRules, loadRules } from '../../identity/rules.ts';
import { UserError } from '../../errors.ts';
import type { Encoding } from '../../ingest/types.ts';

const ENCODINGS = ['auto', 'utf8', 'gbk', 'gb18030', 'utf16', 'utf16le', 'utf16be'];

function human(s: ImportSummary): string {
  const lines = s.files.map((f) => `${f.file}: ${f.rows} rows (${f.format}, ${f.encoding}) → ${f.imported} imported, ${f.unchanged} unchanged, ${f.rejected} rejected${f.orderLines ? `, ${f.orderLines} order lines` : ''}${f.quarantine ? `\n  quarantine: ${f.quarantine}` : ''}${Object.entries(f.reasons).slice(0, 5).map(([r, n]) => `\n  ${n} × ${r}`).join('')}`);
  const id = s.identity;
  lines.push(`${s.dryRun ? '[dry run, nothing written] ' : ''}${s.entity}: ${s.imported} imported, ${s.unchanged} unchanged, ${s.rejected} rejected in ${s.seconds.toFixed(1)} s`);
  lines.push(`identity: ${id.customersCreated} customers created, ${id.merged} merged, ${id.conflicts} conflicts for review, ${id.identifiersAdded} identifiers added${id.maskedIdentifiers ? `, ${id.maskedIdentifiers} masked values not used` : ''}`);
  return lines.join('\n');
}

export function registerImport(program: Command, env: CommandEnv): void {
  program
    .command('import')
    .description(`Import files of one entity (${ENTITY_NAMES.join(', ')}) / 导入数据文件`)
    .argument('<entity>', 'what the files hold')
    .argument('<files...>', 'CSV / TSV / whitespace text, XLSX, JSONL or Parquet files')
    .option('--map <preset|file>', `mapping preset (${Object.keys(PRESETS).join(', ')}) or mapping file (JSON)`)
    .option('--encoding <enc>', `text encoding: ${ENCODINGS.join(', ')}`, 'auto')
    .option('--sheet <name>', 'XLSX worksheet (default: the first)')
    .option('--source <name>', 'source name recorded on the rows (default: the mapping\'s)')
    .option('--dry-run', 'validate and count, write nothing')
    .option('--strict', 'all-or-nothing per file: one bad row and the file is not imported')
    .option('--json', 'machine-readable summary')
    .action(async (entity: string, files: string[], o: { map?: string; encoding: string; sheet?: string; source?: string; dryRun?: boolean; strict?: boolean; json?: boolean }) => {
      if (!ENTITY_NAMES.includes(entity as Entity)) throw new UserError('unknown_entity', `Unknown entity '${entity}'; one of: ${ENTITY_NAMES.join(', ')}.`, `未知的数据类型 '${entity}'；可选：${ENTITY_NAMES.join('、')}。`);
      if (!ENCODINGS.includes(o.encoding)) throw new UserError('bad_encoding', `--encoding must be one of ${ENCODINGS.join(', ')}.`, `--encoding 必须是 ${ENCODINGS.join('、')} 之一。`);
      const bar = env.output.interactive ? new SingleBar({ format: 'importing {bar} {value} rows', stream: process.stderr, hideCursor: true }, Presets.shades_classic) : null;
      bar?.start(0, 0);
      try {
        const s = await env.withApp((app) => importFiles(app, {
          entity: entity as Entity, files, map: o.map, encoding: o.encoding as Encoding, sheet: o.sheet, source: o.source,
          dryRun: o.dryRun, strict: o.strict, cwd: env.cwd, onProgress: (n) => bar?.update(n, {}) ?? undefined,
        }));
        bar?.stop();
        emit(env.output, o.json, s, () => human(s));
        if (o.strict && s.rejected) process.exitCode = 1;
      } finally {
        bar?.stop();
      }
    });

  const identity = program.command('identity').description('Identity resolution: merges, conflicts, rules / 身份识别');
  identity
    .command('unmerge')
    .description('Undo a merge: the merged customer gets back its identifiers and rows / 撤销合并')
    .argument('<merge-id>', 'merge id (see `siyu identity merges`)')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n <= 0) throw new UserError('bad_merge_id', `'${id}' is not a merge id.`, `'${id}' 不是合并编号。`);
      const r = await env.withApp((app) => unmerge(app, n));
      emit(env.output, o.json, r, () => `merge ${r.merge} undone: customer ${r.customer} separated from ${r.survivor} (${Object.entries(r.moved).filter(([, v]) => v).map(([k, v]) => `${v} ${k}`).join(', ') || 'nothing'} moved back)`);
    });
  identity
    .command('merges')
    .description('Recent merges with their rule / 合并记录')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'machine-readable output')
    .action(async (o: { limit: string; json?: boolean }) => {
      const rows = await env.withApp((app) => app.db.all(`select id, survivor_id, merged_id, rule, source, merged_at, unmerged_at from identity_merges where workspace_id = $ws order by id desc limit $n`, { ws: app.workspaceId, n: Number(o.limit) || 50 }));
      emit(env.output, o.json, rows, () => rows.map((r) => `#${r.id} ${r.merged_id} → ${r.survivor_id} by ${r.rule} at ${r.merged_at}${r.unmerged_at ? ' (undone)' : ''}`).join('\n') || 'no merges');
    });
  identity
    .command('conflicts')
    .description('Links not applied because they would give one person two values of a unique identifier / 待审核冲突')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const rows = await env.withApp((app) => app.db.all(`select id, rule, unique_type, link_type, customer_a, customer_b, source, detected_at, status from identity_conflicts where workspace_id = $ws order by detected_at desc, id desc limit 500`, { ws: app.workspaceId }));
      emit(env.output, o.json, rows, () => rows.map((r) => `#${r.id} [${r.status}] ${r.link_type} links customers ${r.customer_a} and ${r.customer_b}, who hold different ${r.unique_type} values (${r.source ?? ''})`).join('\n') || 'no conflicts');
    });
  identity
    .command('rules')
    .description('Show or set the merge rules (identifier types, highest priority first) / 合并规则')
    .option('--set <types>', 'comma-separated priority list, e.g. unionid,phone,member_no,email')
    .option('--unique <types>', 'types a person holds at most once (a link giving two is a conflict)')
    .option('--json', 'machine-readable output')
    .action(async (o: { set?: string; unique?: string; json?: boolean }) => {
      const r = await env.withApp(async (app) => {
        if (!o.set && !o.unique) return loadRules(app);
        const cur = await loadRules(app);
        return saveRules(app, o.set ? o.set.split(',').map((s) => s.trim()) : cur.priority, o.unique !== undefined ? o.unique.split(',').map((s) => s.trim()).filter(Boolean) : cur.unique);
      });
      emit(env.output, o.json, r, () => `priority: ${r.priority.join(' > ')}\nunique: ${r.unique.join(', ')}`);
    });
}
