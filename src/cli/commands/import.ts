import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { importFileByFile, type ImportSummary } from '../../ingest/index.ts';
import { ENTITY_NAMES, type Entity } from '../../ingest/canonical.ts';
import { PRESETS } from '../../ingest/presets/index.ts';
import { unmerge } from '../../identity/merges.ts';
import { reviewConflict } from '../../identity/review.ts';
import { saveRules, loadRules } from '../../identity/rules.ts';
import { UserError, isUserError } from '../../errors.ts';
import type { Encoding } from '../../ingest/types.ts';

const ENCODINGS = ['auto', 'utf8', 'gbk', 'gb18030', 'utf16', 'utf16le', 'utf16be'];

/** Imports a stopped process left unfinished, said first: the file may or may not be in, and a re-run is safe. */
function interruptedNotes(s: ImportSummary): string[] {
  return (s.interrupted ?? []).map((r) => `note: an earlier import of ${r.file || 'a file'} (${r.entity}, started ${r.startedAt}) was interrupted — the process stopped before it was recorded as done. It is safe to run that import again: rows already there are left alone, nothing is imported twice.`);
}

function human(s: ImportSummary): string {
  const lines = s.files.map((f) => `${f.file}: ${f.rows} rows (${f.format}, ${f.encoding}) → ${f.imported} imported, ${f.updated} updated, ${f.unchanged} unchanged, ${f.rejected} rejected${f.orderLines ? `, ${f.orderLines} order lines` : ''}${f.quarantine ? `\n  quarantine: ${f.quarantine}` : ''}${(f.warnings ?? []).map((w) => `\n  warning: ${w}`).join('')}${Object.entries(f.reasons).slice(0, 5).map(([r, n]) => `\n  ${n} × ${r}`).join('')}`);
  const id = s.identity;
  lines.push(`${s.dryRun ? '[dry run, nothing written] ' : ''}${s.entity}: ${s.imported} imported, ${s.updated} updated, ${s.unchanged} unchanged, ${s.rejected} rejected in ${s.seconds.toFixed(1)} s`);
  for (const w of s.warnings ?? []) lines.push(`warning: ${w}`);
  lines.push(`identity: ${id.customersCreated} customers created, ${id.merged} merged, ${id.conflicts} conflicts for review, ${id.identifiersAdded} identifiers added${id.maskedIdentifiers ? `, ${id.maskedIdentifiers} masked values not used` : ''}${id.unidentified ? `, ${id.unidentified} rows without a usable identifier kept as customers of their own (never merged)` : ''}`);
  return lines.join('\n');
}

type ConflictRow = { id: number; rule: string; unique_type: string; link_type: string; link_masked: string | null; customer_a: number; customer_b: number; source: string | null; status: string };

/** One conflict in words, the identifier masked (138****0011). */
function describeConflict(r: ConflictRow): string {
  const link = `${r.link_type}${r.link_masked ? ` ${r.link_masked}` : ''}`;
  const from = r.source && r.source !== 'unmerge' ? ` (${r.source})` : '';
  if (r.status === 'separated') return `#${r.id} [separated] customers ${r.customer_a} and ${r.customer_b} were separated by an unmerge; a ${link} link between them is flagged, never merged`;
  const why = r.unique_type === 'separated' ? 'whom an unmerge separated' : `who hold different ${r.unique_type} values`;
  const next = r.status === 'open' ? ` — review: siyu identity review ${r.id} --merge|--dismiss` : '';
  return `#${r.id} [${r.status}] ${link} is claimed by customers ${r.customer_a} and ${r.customer_b}, ${why}${from}${next}`;
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
    // Names people try for --map (commander's own suggestion does not reach them): an error that says which it is.
    .addOption(new Option('--mapping <preset|file>').hideHelp())
    .addOption(new Option('--preset <name>').hideHelp())
    .action(async (entity: string, files: string[], o: { map?: string; mapping?: string; preset?: string; encoding: string; sheet?: string; source?: string; dryRun?: boolean; strict?: boolean; json?: boolean }) => {
      const tried = o.mapping !== undefined ? ['--mapping', o.mapping] : o.preset !== undefined ? ['--preset', o.preset] : null;
      if (tried) {
        throw new UserError('unknown_option', `siyu import has no option ${tried[0]}: did you mean --map? (siyu import ${entity} ${files.join(' ')} --map ${tried[1]})`,
          `siyu import 没有 ${tried[0]} 选项：是否要用 --map？（siyu import ${entity} ${files.join(' ')} --map ${tried[1]}）`);
      }
      if (!ENTITY_NAMES.includes(entity as Entity)) throw new UserError('unknown_entity', `Unknown entity '${entity}'; one of: ${ENTITY_NAMES.join(', ')}.`, `未知的数据类型 '${entity}'；可选：${ENTITY_NAMES.join('、')}。`);
      if (!ENCODINGS.includes(o.encoding)) throw new UserError('bad_encoding', `--encoding must be one of ${ENCODINGS.join(', ')}.`, `--encoding 必须是 ${ENCODINGS.join('、')} 之一。`);
      // Within a file the bar moves by step (read, map, identify, resolve, write): each is one statement over all rows.
      const bar = env.output.interactive ? new SingleBar({ format: 'importing {file} {bar} {value}/{total} rows · {step}', stream: process.stderr, hideCursor: true }, Presets.shades_classic) : null;
      bar?.start(0, 0, { file: '', step: 'read' });
      try {
        const out = await env.withApp((app) => importFileByFile(app, {
          entity: entity as Entity, files, map: o.map, encoding: o.encoding as Encoding, sheet: o.sheet, source: o.source,
          dryRun: o.dryRun, strict: o.strict, cwd: env.cwd, onProgress: (n, at) => {
            if (!bar) return;
            if (at) bar.setTotal(Math.max(at.rowsKnown, n));
            bar.update(n, at ? { file: basename(at.file), step: at.step } : { step: 'done' });
          },
        }));
        bar?.stop();
        const s = out.summary;
        // Said on stderr under --json (and when nothing else is printed); the JSON has them in `interrupted`.
        const earlier = interruptedNotes(s);
        const apart = Boolean(o.json) || !s.files.length;
        if (earlier.length && apart) env.output.err(earlier.join('\n'));
        // A file that failed costs only itself: the others are reported, then the failures (exit 1, or 2 for a bug).
        if (out.failed.length === 1 && !s.files.length) throw out.failed[0].error;
        const failed = out.failed.map((f) => ({ file: f.file, ...(isUserError(f.error) ? f.error.toJSON() : { error: 'internal', message: 'internal error', message_zh: '内部错误' }) }));
        const notes = failed.map((f) => `not imported: ${f.file}: ${f.message}`);
        emit(env.output, o.json, failed.length ? { ...s, failed } : s, () => [...(apart ? [] : earlier), human(s), ...notes].join('\n'));
        const bug = out.failed.find((f) => !isUserError(f.error));
        if (bug) throw bug.error;
        if (failed.length) {
          throw new UserError('files_failed', `${failed.length} of ${files.length} files were not imported: ${failed.map((f) => `${basename(f.file)} (${f.error})`).join(', ')}; the others were.`,
            `${files.length} 个文件中有 ${failed.length} 个未导入：${failed.map((f) => `${basename(f.file)}（${f.error}）`).join('、')}；其余已导入。`);
        }
        // An exit code set on the process would be lost when the command runs inside `siyu serve`: a user error is not.
        if (o.strict && s.rejected) {
          const refused = s.files.filter((f) => f.rejected).length;
          throw new UserError('strict_rejected', `--strict: ${s.rejected} row(s) rejected, so ${refused} file(s) were not imported (see the quarantine).`, `--strict：${s.rejected} 行被拒绝，${refused} 个文件未导入（见隔离区文件）。`);
        }
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
      const rows = await env.withApp((app) => app.warehouse.all(`select id, survivor_id, merged_id, rule, source, merged_at, unmerged_at from identity_merges where workspace_id = $ws order by id desc limit $n`, { ws: app.workspaceId, n: Number(o.limit) || 50 }));
      emit(env.output, o.json, rows, () => rows.map((r) => `#${r.id} customer ${r.merged_id} → ${r.survivor_id} by ${r.rule}${r.source ? ` (${r.source})` : ''} at ${r.merged_at}${r.unmerged_at ? ` (undone ${r.unmerged_at})` : ''}`).join('\n') || 'no merges');
    });
  identity
    .command('conflicts')
    .description('Links not applied because they would give one person two values of a unique identifier, or join people an unmerge separated / 待审核冲突')
    .option('--open', 'only those waiting for review')
    .option('--json', 'machine-readable output')
    .action(async (o: { open?: boolean; json?: boolean }) => {
      const rows = await env.withApp((app) => app.warehouse.all<ConflictRow>(
        `select c.id, c.rule, c.unique_type, c.link_type, i.id_masked as link_masked, c.customer_a, c.customer_b, c.source, c.detected_at, c.status
         from identity_conflicts c left join customer_identifiers i on i.workspace_id = c.workspace_id and i.id_type = c.link_type and i.namespace = c.link_namespace and i.id_hash = c.link_hash
         where c.workspace_id = $ws ${o.open ? `and c.status = 'open'` : ''} order by c.detected_at desc, c.id desc limit 500`,
        { ws: app.workspaceId },
      ));
      emit(env.output, o.json, rows, () => rows.map(describeConflict).join('\n') || 'no conflicts');
    });
  identity
    .command('review')
    .description('Settle a conflict: --merge (the same person after all) or --dismiss (not the same person) / 审核冲突')
    .argument('<conflict-id>', 'conflict id (see `siyu identity conflicts`)')
    .option('--merge', 'merge the two customers (recorded; undo with `siyu identity unmerge`)')
    .option('--dismiss', 'keep them apart and close the conflict')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { merge?: boolean; dismiss?: boolean; json?: boolean }) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n <= 0) throw new UserError('bad_conflict_id', `'${id}' is not a conflict id.`, `'${id}' 不是冲突编号。`);
      if (Boolean(o.merge) === Boolean(o.dismiss)) throw new UserError('review_decision', 'Say --merge or --dismiss (one of them).', '请指定 --merge 或 --dismiss（二选一）。');
      const r = await env.withApp((app) => reviewConflict(app, n, o.merge ? 'merge' : 'dismiss'));
      emit(env.output, o.json, r, () => r.status === 'dismissed' ? `conflict ${r.conflict} dismissed` : r.merge ? `conflict ${r.conflict}: customer ${r.merged} merged into ${r.survivor} (merge #${r.merge})` : `conflict ${r.conflict}: the two are one customer already`);
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
