import type { Command } from 'commander';
import { resolve, join } from 'node:path';
import type { CommandEnv } from '../env.ts';
import { emit } from '../output.ts';
import { customerIdArg } from './privacyArgs.ts';
import { listRequests, openRequest } from '../../privacy/dsr/requests.ts';
import { eraseCustomer } from '../../privacy/dsr/erase.ts';
import { subjectCopy, writeBundle } from '../../privacy/dsr/access.ts';
import { rectify, restrict, withdrawAll, RECTIFIABLE } from '../../privacy/dsr/rights.ts';
import { DSR_KINDS } from '../../domain/privacy/dsr.ts';
import { paths } from '../../config.ts';

const reqId = (v?: string) => (v ? customerIdArg(v) : undefined);

/** `siyu dsr …`: data-subject requests (个人信息主体权利请求, PIPL arts. 44–47). */
export function registerDsr(program: Command, env: CommandEnv): void {
  const cmd = program.command('dsr').description('Data-subject requests: access, erasure, rectification, restriction / 个人信息主体请求');
  cmd
    .command('list')
    .description('Requests with due dates / 请求列表')
    .option('--status <s>', 'open | done | rejected')
    .option('--overdue', 'only open requests past their due date')
    .option('--json', 'machine-readable output')
    .action(async (o: { status?: string; overdue?: boolean; json?: boolean }) => {
      const rows = await env.withApp((app) => listRequests(app, { status: o.status, overdue: o.overdue }));
      emit(env.output, o.json, rows, () => rows.map((r) => `#${r.id}\t${r.kind}\tcustomer ${r.customer_id ?? '-'}\t${r.status}${r.overdue ? ' OVERDUE' : ''}\tdue ${r.due_at}`).join('\n') || '(none)');
    });
  cmd
    .command('create')
    .description('Register a request received (due in 15 days) / 登记请求')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--kind <kind>', DSR_KINDS.join(' | '))
    .option('--channel <c>', 'how it came in: app, store, email, phone')
    .option('--note <text>', 'a note (no personal data)')
    .option('--received <time>', 'when it was received (ISO; default now)')
    .option('--json', 'machine-readable output')
    .action(async (o: { customer: string; kind: string; channel?: string; note?: string; received?: string; json?: boolean }) => {
      const r = await env.withApp((app) => openRequest(app, { customerId: customerIdArg(o.customer), kind: o.kind, channel: o.channel, note: o.note, receivedAt: o.received }));
      emit(env.output, o.json, r, () => `request #${r.id} (${r.kind}) open, due ${r.due_at}`);
    });
  cmd
    .command('access')
    .description('A decrypted copy of everything held about the person: README.md (zh/en), subject.json and one CSV per table; fulfils the customer\'s open access request / 查阅复制')
    .requiredOption('--customer <id>', 'customer id')
    .option('--request <id>', 'the open request this answers')
    .option('--portable', 'record it as a portability request')
    .option('--out <dir>', 'where to write the bundle (default <data>/exports/dsr-<request>)')
    .option('--json', 'machine-readable output')
    .action(async (o: { customer: string; request?: string; portable?: boolean; out?: string; json?: boolean }) => {
      const r = await env.withApp(async (app) => {
        const copy = await subjectCopy(app, customerIdArg(o.customer), { requestId: reqId(o.request), kind: o.portable ? 'portability' : 'access' });
        const dir = o.out ? resolve(env.cwd, o.out) : join(paths.exports(app.dir), `dsr-${copy.request}`);
        return { request: copy.request, customer: copy.customer, dir, files: writeBundle(copy, dir), tables: Object.fromEntries(Object.entries(copy.tables).map(([k, v]) => [k, v.length])) };
      });
      emit(env.output, o.json, r, () => `request #${r.request}: copy written to ${r.dir}\n${Object.entries(r.tables).map(([t, n]) => `  ${t}: ${n}`).join('\n')}`);
    });
  cmd
    .command('erase')
    .description('Erase the person from every table and file; orders stay anonymous for totals / 删除个人信息')
    .requiredOption('--customer <id>', 'customer id')
    .option('--request <id>', 'the open request this answers')
    .option('--json', 'machine-readable output')
    .action(async (o: { customer: string; request?: string; json?: boolean }) => {
      const r = await env.withApp((app) => eraseCustomer(app, customerIdArg(o.customer), { requestId: reqId(o.request) }));
      emit(env.output, o.json, r, () => [
        `request #${r.request}: customer ${r.customer} erased${r.customers.length > 1 ? ` (with ${r.customers.length - 1} merged records)` : ''}`,
        ...Object.entries(r.deleted).map(([t, n]) => `  deleted ${t}: ${n}`),
        ...Object.entries(r.anonymised).map(([t, n]) => `  anonymised ${t}: ${n}`),
        ...r.files.map((f) => `  scrubbed ${f.file}: ${f.lines} lines`),
        r.remaining.length ? `  STILL FOUND: ${r.remaining.map((x) => `${x.store}:${x.table}.${x.column}`).join(', ')}` : '  nothing of the person remains / 已无残留',
      ].join('\n'));
    });
  cmd
    .command('restrict')
    .description('Restrict processing (kept, used for nothing) or --lift it / 限制处理')
    .requiredOption('--customer <id>', 'customer id')
    .option('--lift', 'lift the restriction')
    .option('--request <id>', 'the open request this answers')
    .option('--json', 'machine-readable output')
    .action(async (o: { customer: string; lift?: boolean; request?: string; json?: boolean }) => {
      const r = await env.withApp((app) => restrict(app, customerIdArg(o.customer), !!o.lift, { requestId: reqId(o.request) }));
      emit(env.output, o.json, r, () => `request #${r.id}: customer ${o.customer} ${o.lift ? 'active again' : 'restricted'}`);
    });
  cmd
    .command('rectify')
    .description('Correct a field / 更正')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--field <f>', RECTIFIABLE.join(' | '))
    .requiredOption('--value <v>', 'the corrected value (stored encrypted)')
    .option('--request <id>', 'the open request this answers')
    .option('--json', 'machine-readable output')
    .action(async (o: { customer: string; field: string; value: string; request?: string; json?: boolean }) => {
      const r = await env.withApp((app) => rectify(app, customerIdArg(o.customer), o.field, o.value, { requestId: reqId(o.request) }));
      emit(env.output, o.json, r, () => `request #${r.id}: ${o.field} corrected`);
    });
  cmd
    .command('withdraw')
    .description('Withdraw consent for a purpose, or all / 撤回同意')
    .requiredOption('--customer <id>', 'customer id')
    .option('--purpose <p>', 'a purpose, or all', 'all')
    .option('--request <id>', 'the open request this answers')
    .option('--json', 'machine-readable output')
    .action(async (o: { customer: string; purpose: string; request?: string; json?: boolean }) => {
      const r = await env.withApp((app) => withdrawAll(app, customerIdArg(o.customer), o.purpose, { requestId: reqId(o.request) }));
      emit(env.output, o.json, r, () => `request #${r.id}: consent withdrawn`);
    });
}
