import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { App } from '../app/context.ts';
import { DEFAULT_TIMEZONE } from '../config.ts';
import { UserError, isUserError } from '../errors.ts';
import { ENTITY_NAMES, NEEDS_CUSTOMER, NAMESPACE_COLUMNS } from './canonical.ts';
import { loadMapping } from './mapping.ts';
import { PRESETS } from './presets/index.ts';
import { stageFile } from './read/stage.ts';
import { installCoercions } from './coerce/macros.ts';
import { transform } from './transform.ts';
import { scanIdentifiers } from './identifiers.ts';
import { identifyUnnamedRows } from './unnamedRows.ts';
import { checkSensitiveColumns, rejectSensitiveNumbers } from './sensitive.ts';
import { maskContactsInText } from './contactsInText.ts';
import { writeQuarantine } from './quarantine.ts';
import { writeEntity } from './write/index.ts';
import { planResolution, applyResolution } from '../identity/resolveStaged.ts';
import { recordArrivals } from '../identity/arrivals.ts';
import { loadRules } from '../identity/rules.ts';
import { tempPrefix, dropTemp } from '../identity/temp.ts';
import { withIdentityLock } from '../identity/lock.ts';
import { startRun, finishRun, failInterruptedRuns, iso } from './runs.ts';
import { refreshDerived } from './derived.ts';
import { relayConsentOutbox } from '../privacy/consentCopy.ts';
import { resolveStaffNames } from './staffNames.ts';
import { liveLock } from '../server/lock.ts';
import { spillToScratch, scratchRoot } from '../store/scratch.ts';
import { isOutOfMemory } from '../store/errors.ts';
import { IMPORT_STEPS, type ImportOptions, type ImportSummary, type FileSummary, type IdentityStats, type ImportStep } from './types.ts';

export type { ImportOptions, ImportSummary, FileSummary } from './types.ts';
export { PRESETS } from './presets/index.ts';

class Rollback extends Error {}

/**
 * Imports files of one entity (导入): read (any encoding / format), map, coerce and validate in SQL, hash the
 * distinct identifiers, resolve identities, write — one transaction per file, so a crash leaves nothing of a file
 * half-applied and a re-import changes nothing. Rejected rows go to a quarantine CSV with a reason each. The first
 * file that cannot be imported stops the run with its error (the files before it stay applied); a missing file
 * stops it before anything is read.
 */
export async function importFiles(app: App, opts: ImportOptions): Promise<ImportSummary> {
  const out = await importEach(app, opts, true);
  if (out.failed.length) throw out.failed[0].error;
  return out.summary;
}

/** Several files imported one by one: the summary of those applied and, for each that failed, which and why. */
export interface ImportOutcome {
  summary: ImportSummary;
  failed: { file: string; error: unknown }[];
}

/**
 * Imports the files one at a time, as importFiles does, but a file that fails (missing, empty, unreadable, refused as
 * sensitive) costs only itself: the files before and after it are imported, and the outcome says which failed and
 * why (`siyu import`, HTTP import jobs).
 */
export function importFileByFile(app: App, opts: ImportOptions): Promise<ImportOutcome> {
  return importEach(app, opts, false);
}

async function importEach(app: App, opts: ImportOptions, stopAtFailure: boolean): Promise<ImportOutcome> {
  const t0 = Date.now();
  if (!ENTITY_NAMES.includes(opts.entity)) {
    throw new UserError('unknown_entity', `Unknown entity '${opts.entity}'; one of: ${ENTITY_NAMES.join(', ')}.`, `未知的数据类型 '${opts.entity}'；可选：${ENTITY_NAMES.join('、')}。`);
  }
  const cwd = opts.cwd ?? process.cwd();
  const mapping = loadMapping(opts.entity, opts.map, cwd);
  const preset = Boolean(opts.map && PRESETS[opts.map]);
  const files = opts.files.map((f) => resolve(cwd, f));
  const missing = new Set(files.filter((f) => !existsSync(f) || !statSync(f).isFile()));
  const notFound = (f: string) => new UserError('file_not_found', `No such file: ${f}`, `文件不存在：${f}`, 404);
  if (stopAtFailure && missing.size) throw notFound([...missing][0]);
  // Runs a killed process left running: said in the summary (the file may or may not be in; importing it again is safe).
  const interrupted = (await failInterruptedRuns(app)).map((r) => ({ file: basename(String(r.summary.file ?? '')), entity: r.entity, startedAt: iso(r.startedAt)! }));
  const rules = await loadRules(app);
  const tz = (await app.warehouse.get<{ timezone: string }>(`select timezone from workspaces where id = $ws`, { ws: app.workspaceId }))?.timezone ?? DEFAULT_TIMEZONE;
  await installCoercions(app.warehouse);
  const identity: IdentityStats = { customersCreated: 0, merged: 0, conflicts: 0, identifiersAdded: 0, invalidIdentifiers: {}, maskedIdentifiers: 0 };
  const summaries: FileSummary[] = [];
  const failed: ImportOutcome['failed'] = [];
  const warnings: string[] = [];
  let done = 0;
  const restore = await capMemory(app, files.filter((f) => !missing.has(f)));
  try {
    for (const file of files) {
      try {
        if (missing.has(file)) throw notFound(file);
        summaries.push(await importRetrying(app, file, { ...opts, mapping, preset, rules, tz, identity,
          onRows: (n) => opts.onProgress?.((done += n)),
          onStep: (step, fileRows) => opts.onProgress?.(done + Math.floor((fileRows * (IMPORT_STEPS.indexOf(step) + 1)) / (IMPORT_STEPS.length + 1)), { file, step, rowsKnown: done + fileRows }),
        }));
      } catch (error) {
        failed.push({ file, error });
        if (stopAtFailure) break;
      }
    }
    if (!opts.dryRun && summaries.length) {
      // Durable first, then what the files' transactions left for the state store (their consents).
      await app.warehouse.checkpoint();
      await relayConsentOutbox(app);
      warnings.push(...(await refreshDerived(app)));
    }
  } finally {
    await restore();
  }
  const sum = (k: 'rows' | 'imported' | 'updated' | 'unchanged' | 'rejected') => summaries.reduce((a, s) => a + s[k], 0);
  const summary: ImportSummary = {
    entity: opts.entity, dryRun: Boolean(opts.dryRun), strict: Boolean(opts.strict), rows: sum('rows'), imported: sum('imported'), updated: sum('updated'), unchanged: sum('unchanged'), rejected: sum('rejected'),
    files: summaries, identity, seconds: (Date.now() - t0) / 1000, ...(interrupted.length ? { interrupted } : {}), ...(warnings.length ? { warnings } : {}),
  };
  return { summary, failed };
}

/**
 * One file, retried with twice the memory when the capped buffer pool runs out: some operators cannot spill (large
 * updates, list aggregates), and the file's transaction has rolled back, so nothing of it is applied twice.
 */
async function importRetrying(app: App, file: string, o: OneOpts): Promise<FileSummary> {
  for (let attempt = 0; ; attempt++) {
    try {
      const s = await importOne(app, file, o);
      return attempt ? { ...s, memoryRetries: attempt } : s;
    } catch (e) {
      if (!isOutOfMemory(e)) throw e;
      if (attempt >= 3 || !(await raiseMemory(app))) throw outOfMemory(file);
    }
  }
}

type OneOpts = ImportOptions & {
  mapping: ReturnType<typeof loadMapping>; preset: boolean; rules: Awaited<ReturnType<typeof loadRules>>; tz: string; identity: IdentityStats;
  onRows: (n: number) => void; onStep: (step: ImportStep, fileRows: number) => void;
};

async function importOne(app: App, file: string, o: OneOpts): Promise<FileSummary> {
  const t0 = Date.now();
  const db = app.warehouse;
  const p = tempPrefix('imp');
  // Transcoded and unpacked copies of the file are plaintext: they go to the private scratch, not the OS temp directory.
  const tmp = mkdtempSync(join(scratchRoot(2 * statSync(file).size).dir, 'files-'));
  const source = o.source ?? o.mapping.constants?.source ?? o.mapping.name ?? null;
  const runId = await startRun(app, { entity: o.entity, source, file });
  const timings: Record<string, number> = {};
  let mark = Date.now();
  let fileRows = 0;
  const lap = (step: ImportStep) => {
    const now = Date.now();
    timings[step] = (timings[step] ?? 0) + (now - mark) / 1000;
    mark = now;
    o.onStep(step, fileRows);
  };
  try {
    const staged = await stageFile(db, p, file, { format: o.mapping.format?.type, encoding: o.encoding ?? o.mapping.format?.encoding, delimiter: o.mapping.format?.delimiter, header: o.mapping.format?.header, names: o.mapping.format?.names, sheet: o.sheet ?? o.mapping.format?.sheet, tmp });
    fileRows = staged.rows + staged.structural.length;
    lap('read');
    await checkSensitiveColumns(app, o.mapping, staged);
    const t = await transform(db, p, staged, o.entity, o.mapping, { file: basename(file), tz: o.tz, preset: o.preset });
    await rejectSensitiveNumbers(app, p, t.present);
    const contactsMasked = await maskContactsInText(db, p, t.present);
    await resolveStaffNames(app, p, t.present);
    lap('map');
    const result = { imported: 0, updated: 0, unchanged: 0, orderLines: 0 };
    let rejected = 0;
    let scanned: { invalid: Record<string, number>; masked: number; unscoped: Record<string, number> } = { invalid: {}, masked: 0, unscoped: {} };
    const idStats = { customersCreated: 0, merged: 0, conflicts: 0, identifiersAdded: 0 };
    let unnamed = 0;
    try {
      // Under the identity lock: the identifiers are hashed and the resolution planned in temp tables first, then only
      // the writes run in the file's transaction (DuckDB scans a table created inside an open transaction on one
      // thread: the same statements inside it took twice as long on two cores).
      await withIdentityLock(async () => {
        const scan = await scanIdentifiers(app, p, o.entity, t.present);
        // A person whom no usable identifier names (a masked phone only) is a customer of their own, not a reject.
        if (scan.columns.length) unnamed = await identifyUnnamedRows(app, p, o.entity, t.present);
        lap('identify');
        if (NEEDS_CUSTOMER.includes(o.entity)) {
          await db.run(`update ${p}_rows set _errors = list_append(_errors, $r) where len(_errors) = 0 and _row not in (select _row from ${p}_rid)`,
            { r: scan.columns.length ? 'identifiers: none usable (missing, invalid or masked)' : 'identifiers: the file maps no identifier column (member_no, phone, email, unionid …)' });
        }
        const bad = await db.scalar(`select count(*) from ${p}_rows where len(_errors) > 0`);
        rejected = bad + staged.structural.length;
        scanned = scan;
        for (const [k, v] of Object.entries(scan.invalid)) o.identity.invalidIdentifiers[k] = (o.identity.invalidIdentifiers[k] ?? 0) + v;
        o.identity.maskedIdentifiers += scan.masked;
        if (o.strict && rejected) throw new Rollback();
        if (bad) await db.run(`delete from ${p}_rid where _row in (select _row from ${p}_rows where len(_errors) > 0)`);
        const plan = await planResolution(app, p, o.rules);
        await db.transaction(async () => {
          Object.assign(idStats, await applyResolution(app, p, plan, { source, deferNewCustomers: o.entity === 'customers' }));
          lap('resolve');
          Object.assign(result, await writeEntity(app, p, o.entity, t, { source, customersCreated: idStats.customersCreated }));
          await recordArrivals(app, p, o.entity, t.present);
          if (o.dryRun) throw new Rollback();
        });
      });
      lap('write');
      // The file's transaction has committed: made durable in the warehouse's main file before its run is recorded
      // done, so a run recorded done is in the store whatever happens next (the warehouse's own WAL is not replayed
      // after a crash), and one a crash left running is reported interrupted by the next import.
      await db.checkpoint();
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
    }
    const applied = !(o.strict && rejected);
    o.identity.customersCreated += idStats.customersCreated;
    o.identity.merged += idStats.merged;
    o.identity.conflicts += idStats.conflicts;
    o.identity.identifiersAdded += idStats.identifiersAdded;
    if (applied && unnamed) o.identity.unidentified = (o.identity.unidentified ?? 0) + unnamed;
    const reasons: Record<string, number> = {};
    for (const r of await db.all<{ reason: string; n: number }>(`select e as reason, count(*) as n from (select unnest(_errors) as e from ${p}_rows where len(_errors) > 0) group by e order by n desc`)) reasons[r.reason] = Number(r.n);
    for (const s of staged.structural) reasons[`(row): ${s.reason}`] = (reasons[`(row): ${s.reason}`] ?? 0) + 1;
    const summary: FileSummary = {
      file, format: staged.format, encoding: staged.encoding, rows: staged.rows + staged.structural.length,
      imported: applied ? result.imported : 0, updated: applied ? result.updated : 0, unchanged: applied ? result.unchanged : 0, rejected, quarantine: null, reasons,
      ...(result.orderLines ? { orderLines: result.orderLines } : {}), ...(Object.keys(contactsMasked).length ? { contactsMasked } : {}), ...warningsOf(scanned.unscoped), ...(unnamed && applied ? { unidentified: unnamed } : {}), invalidIdentifiers: scanned.invalid, maskedIdentifiers: scanned.masked, timings, seconds: (Date.now() - t0) / 1000,
    };
    if (o.strict && rejected) summary.reasons['(file): not imported, --strict and rows were rejected'] = 1;
    summary.quarantine = await writeQuarantine(app, p, file, t.present, staged.structural, { entity: o.entity, rows: summary.rows, rejected, reasons, strict: Boolean(o.strict), dryRun: Boolean(o.dryRun) });
    o.onRows(summary.rows);
    await finishRun(app, runId, { status: 'done', summary: o.dryRun ? { ...summary, dryRun: true } : summary });
    return summary;
  } catch (e) {
    await finishRun(app, runId, { status: 'failed', error: isUserError(e) ? e.message : 'internal error' }).catch(() => undefined);
    throw e;
  } finally {
    await dropTemp(db, p).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What the summary warns of: openids (external_userids) without their app (corp), which match no other file's. */
function warningsOf(unscoped: Record<string, number>): { warnings?: string[] } {
  const ns = NAMESPACE_COLUMNS as Record<string, string>;
  const w = Object.entries(unscoped).map(([t, n]) =>
    `${n} ${t} value(s) without ${ns[t]}: an ${t} names one person within one ${t === 'openid' ? 'app' : 'corp'}, so they will not match the same ${t}s from files that name it; map ${ns[t]} (a column or a constant) and import again`);
  return w.length ? { warnings: w } : {};
}

/**
 * Memory flat in file size: while a CLI import runs, DuckDB's buffer pool is capped (SIYU_IMPORT_MEMORY_LIMIT, default
 * 256MB) so large staging data spills instead of growing the process; the previous limit is restored afterwards.
 * The staged rows are plaintext, so the spill goes to a private scratch directory — memory-backed when the machine
 * has room (about four times the files' size) — and never to the data directory (see store/scratch.ts).
 */
async function capMemory(app: App, files: string[]): Promise<() => Promise<void>> {
  const want = importMemoryLimit();
  // Inside `siyu serve` the buffer pool is shared with everything else the server runs: leave it alone there.
  if (liveLock(app.dir)) return async () => undefined;
  await spillToScratch(app.warehouse, Math.max(1 << 30, 4 * files.reduce((a, f) => a + statSync(f).size, 0)));
  const row = await app.warehouse.get<{ cur: string }>(`select current_setting('memory_limit') as cur`).catch(() => undefined);
  if (!row || !/^\d+(\.\d+)?\s*[KMGT]i?B$/i.test(want)) return async () => undefined;
  // DuckDB refuses a cap below what it holds now: the import then runs under the current one.
  if (!(await app.warehouse.run(`set memory_limit = '${want}'`).then(() => true, () => false))) return async () => undefined;
  return async () => {
    await app.warehouse.run(`set memory_limit = '${row.cur.replace(/'/g, '')}'`).catch(() => undefined);
  };
}

/** DuckDB's buffer-pool cap while a CLI import runs. */
function importMemoryLimit(): string {
  return process.env.SIYU_IMPORT_MEMORY_LIMIT ?? '256MB';
}

function outOfMemory(file: string): UserError {
  const cap = importMemoryLimit();
  return new UserError(
    'import_out_of_memory',
    `${file} was not imported: it needs more memory than the import may use, even after three retries with twice as much (SIYU_IMPORT_MEMORY_LIMIT=${cap}). Raise SIYU_IMPORT_MEMORY_LIMIT and import it again; nothing of the file was applied.`,
    `${file} 未导入：所需内存超过导入上限（重试三次、每次加倍后仍不足，SIYU_IMPORT_MEMORY_LIMIT=${cap}）。请调高 SIYU_IMPORT_MEMORY_LIMIT 后重新导入；该文件未写入任何数据。`,
    413,
  );
}

/** Doubles DuckDB's memory limit (for a retry after Out of Memory); false when it cannot be read. */
async function raiseMemory(app: App): Promise<boolean> {
  const cur = await app.warehouse.get<{ cur: string }>(`select current_setting('memory_limit') as cur`).catch(() => undefined);
  const m = cur && /^([\d.]+)\s*([KMGT]i?B)$/i.exec(cur.cur.trim());
  if (!m) return false;
  const mib = Number(m[1]) * ({ k: 1 / 1024, m: 1, g: 1024, t: 1024 * 1024 } as Record<string, number>)[m[2][0].toLowerCase()];
  await app.warehouse.run(`set memory_limit = '${Math.ceil(mib * 2)}MiB'`);
  return true;
}
