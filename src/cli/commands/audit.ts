import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { verifyAudit } from '../../privacy/audit.ts';
import { UserError } from '../../errors.ts';

/** `siyu audit verify|list`: the hash-chained audit log (审计日志). */
export function registerAudit(program: Command, env: CommandEnv): void {
  const cmd = program.command('audit').description('The tamper-evident audit log / 审计日志');
  cmd
    .command('verify')
    .description('Recompute the hash chain; name every altered or deleted entry (exit 1 when broken) / 校验审计日志')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const v = await env.withApp((app) => verifyAudit(app.warehouse));
      emit(env.output, o.json, v, () => v.ok
        ? `audit log intact: ${v.entries} entries / 审计日志完整`
        : `AUDIT LOG BROKEN (${v.entries} entries):\n${v.problems.map((p) => `  seq ${p.seq}: ${describe(p.problem)}`).join('\n')}`);
      if (!v.ok) {
        const seqs = [...new Set(v.problems.map((p) => p.seq))].join(', ');
        throw new UserError('audit_broken', `The audit log fails verification at entries ${seqs}.`, `审计日志校验失败，问题条目：${seqs}。`);
      }
    });
  cmd
    .command('list')
    .description('The latest audit entries / 最近的审计记录')
    .option('--action <prefix>', 'only actions starting with this (pii., dsr., auth., admin. …)')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'machine-readable output')
    .action(async (o: { action?: string; limit: string; json?: boolean }) => {
      const rows = await env.withApp((app) => app.warehouse.all(
        `select seq, strftime(logged_at, '%Y-%m-%dT%H:%M:%SZ') as at, actor, action, target, detail::varchar as detail from audit_log
         where ($p is null or starts_with(action, $p)) order by seq desc limit $n`,
        { p: o.action ?? null, n: Math.max(1, Math.min(10000, Number(o.limit) || 50)) },
      ));
      emit(env.output, o.json, rows, () => rows.map((r) => `${r.seq}\t${r.at}\t${r.actor}\t${r.action}\t${r.target ?? ''}\t${r.detail ?? ''}`).join('\n') || '(empty)');
    });
}

function describe(p: string): string {
  if (p === 'altered') return 'content altered after it was written / 内容被篡改';
  if (p === 'missing_before') return 'entries before this one were deleted / 之前的条目被删除';
  return 'does not link to the previous entry / 与前一条目的哈希链断开';
}
