import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { listAudit, verifyAudit } from '../../privacy/audit.ts';
import { auditAnchorUrl } from '../../config.ts';
import { UserError } from '../../errors.ts';
import type { AuditProblem } from '../../privacy/auditVerify.ts';

/** `siyu audit verify|list`: the hash-chained audit log (审计日志). */
export function registerAudit(program: Command, env: CommandEnv): void {
  const cmd = program.command('audit').description('The tamper-evident audit log / 审计日志');
  cmd
    .command('verify')
    .description('Recompute the hash chain; name every altered or deleted entry (exit 1 when broken) / 校验审计日志')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      auditAnchorUrl();   // a bad SIYU_AUDIT_ANCHOR_URL is said here, where someone reads it
      const v = await env.withApp((app) => verifyAudit(app));
      emit(env.output, o.json, v, () => v.ok
        ? `audit log intact: ${v.entries} entries, ${v.anchored} confirmed by anchors / 审计日志完整：${v.entries} 条，其中 ${v.anchored} 条有锚点佐证`
        : `AUDIT LOG BROKEN (${v.entries} entries):\n${v.problems.map((p) => `  ${p.seq ? `seq ${p.seq}` : 'anchors'}: ${describe(p.problem)}`).join('\n')}`);
      if (!v.ok) {
        const seqs = [...new Set(v.problems.map((p) => (p.seq ? String(p.seq) : 'anchors')))].join(', ');
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
      const rows = await env.withApp((app) => listAudit(app, { action: o.action, limit: Number(o.limit) || 50 }));
      emit(env.output, o.json, rows, () => rows.map((r) => `${r.seq}\t${r.at}\t${r.actor}\t${r.action}\t${r.target ?? ''}\t${r.detail ?? ''}`).join('\n') || '(empty)');
    });
}

const DESCRIPTIONS: Record<AuditProblem, string> = {
  altered: 'content does not match its keyed hash: altered, or the chain recomputed without the key / 内容与密钥哈希不符（被篡改或被无密钥重算）',
  missing_before: 'entries before this one were deleted / 之前的条目被删除',
  broken_link: 'does not link to the previous entry / 与前一条目的哈希链断开',
  missing_after: 'the newest entries from here on were deleted / 自此之后的最新条目被删除',
  head_missing: 'the chain head (audit_head) was deleted / 链头记录被删除',
  head_mismatch: 'the chain head does not name the last entry / 链头与最后一条不符',
  head_restored: 'the chain head had been deleted and was rebuilt here / 链头曾被删除，此处重建',
  anchor_mismatch: 'differs from the anchor kept outside the store: the log was rewritten / 与库外锚点不符，日志被重写',
  legacy_broken: 'the log moved from the old store had failed its own verification / 从旧存储迁移的日志迁移时即未通过校验',
  anchors_unreadable: 'audit.anchors holds lines that are not anchors (edited) / 锚点文件含无法识别的行（被改动）',
};

function describe(p: AuditProblem): string {
  return DESCRIPTIONS[p] ?? p;
}
