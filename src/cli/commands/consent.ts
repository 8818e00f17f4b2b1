import type { Command } from 'commander';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { recordConsent, consentHistory, loadSubject, consentSummary, assertPurpose, assertCustomer } from '../../privacy/consentLedger.ts';
import { canUseCustomer, storeToday } from '../../privacy/policy.ts';
import { canUse, PURPOSES, type ConsentStatus } from '../../domain/privacy/consent.ts';
import { customerIdArg } from './privacyArgs.ts';

/** `siyu consent …`: the consent ledger (同意记录). */
export function registerConsent(program: Command, env: CommandEnv): void {
  const cmd = program.command('consent').description('Consent ledger: record, show and check consents / 同意管理');
  for (const status of ['granted', 'withdrawn'] as ConsentStatus[]) {
    cmd
      .command(status === 'granted' ? 'grant' : 'withdraw')
      .description(status === 'granted' ? 'Record a grant / 记录同意' : 'Record a withdrawal (takes effect at once) / 记录撤回')
      .requiredOption('--customer <id>', 'customer id')
      .requiredOption('--purpose <purpose>', PURPOSES.join(' | '))
      .option('--source <source>', 'where it was given: mini_program, store, sms_reply, web …')
      .option('--evidence <ref>', 'a reference to the evidence (form id, recording id) — not personal data')
      .option('--policy-version <v>', 'privacy-policy version shown')
      .option('--at <time>', 'when (ISO time; default now)')
      .option('--json', 'machine-readable output')
      .action(async (o: { customer: string; purpose: string; source?: string; evidence?: string; policyVersion?: string; at?: string; json?: boolean }) => {
        const r = await env.withApp((app) => recordConsent(app, { customerId: customerIdArg(o.customer), purpose: o.purpose, status, source: o.source, evidence: o.evidence, policyVersion: o.policyVersion, changedAt: o.at }));
        emit(env.output, o.json, { id: r.id, customer: Number(o.customer), purpose: o.purpose, status }, () => `recorded: customer ${o.customer} ${status} ${o.purpose} (#${r.id})`);
      });
  }
  cmd
    .command('show')
    .description('Full history and what is permitted now / 同意历史与当前状态')
    .requiredOption('--customer <id>', 'customer id')
    .option('--json', 'machine-readable output')
    .action(async (o: { customer: string; json?: boolean }) => {
      const id = customerIdArg(o.customer);
      const r = await env.withApp(async (app) => {
        await assertCustomer(app, id);
        const s = (await loadSubject(app, id))!;
        const today = await storeToday(app);
        const current = Object.fromEntries(PURPOSES.map((p) => [p, canUse(p, s, today)]));
        return { customer: id, history: await consentHistory(app, id), current };
      });
      emit(env.output, o.json, r, () => [
        ...r.history.map((h) => `${h.changed_at}  ${h.purpose.padEnd(18)} ${h.status.padEnd(9)} ${h.source ?? ''} ${h.policy_version ?? ''}`),
        '--- now ---',
        ...Object.entries(r.current).map(([p, d]) => `${p.padEnd(18)} ${d.allowed ? 'yes' : 'no '} (${d.reason})`),
      ].join('\n'));
    });
  cmd
    .command('check')
    .description('May this customer be used for this purpose now? / 校验用途')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--purpose <purpose>', PURPOSES.join(' | '))
    .option('--json', 'machine-readable output')
    .action(async (o: { customer: string; purpose: string; json?: boolean }) => {
      assertPurpose(o.purpose);
      const p = o.purpose;
      const d = await env.withApp(async (app) => {
        await assertCustomer(app, customerIdArg(o.customer));
        return canUseCustomer(app, p, customerIdArg(o.customer));
      });
      emit(env.output, o.json, d, () => `${d.allowed ? 'allowed' : 'NOT allowed'} (${d.reason})`);
    });
  cmd
    .command('summary')
    .description('Per purpose: granted, withdrawn and usable customers / 各用途同意统计')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const rows = await env.withApp((app) => consentSummary(app));
      emit(env.output, o.json, rows, () => [
        `${'purpose / 用途'.padEnd(22)}${'granted 已同意'.padStart(16)}${'withdrawn 已撤回'.padStart(18)}${'usable 可用'.padStart(14)}`,
        ...rows.map((r) => `${r.purpose.padEnd(22)}${String(r.granted).padStart(16)}${String(r.withdrawn).padStart(18)}${String(r.permitted).padStart(14)}`),
        '',
        'granted: customers whose latest entry for the purpose is a grant. usable: customers the policy permits now — active',
        '(not restricted, erased or merged), granted (analytics: unless withdrawn), and under 14 with the guardian\'s consent.',
        'So usable can be below granted, and for analytics above it.',
        '已同意：该用途最新一条记录为同意的客户数。可用：此刻同意策略允许使用的客户数——在用（未限制、未删除、未合并）、',
        '已同意（统计分析：未撤回即可），未满 14 周岁的还需监护人同意。因此“可用”可能少于“已同意”，统计分析的“可用”可能更多。',
      ].join('\n'));
    });
}
