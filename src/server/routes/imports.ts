import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join, basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { App } from '../../app/context.ts';
import { appOn } from '../../app/context.ts';
import { PRESETS } from '../../ingest/presets/index.ts';
import { ENTITY_NAMES, type Entity } from '../../ingest/canonical.ts';
import { UserError, isUserError } from '../../errors.ts';
import { requestApp } from '../auth/scope.ts';
import { logError } from '../../logging.ts';
import type { Encoding, ImportOptions } from '../../ingest/types.ts';
import { ImportJobs, type ImportJob } from '../../ingest/jobs.ts';
import { importFileByFile } from '../../ingest/index.ts';
import { recentRuns, iso } from '../../ingest/runs.ts';
import { uploadDir, removeLeftoverUploads, withoutUploadPaths } from '../../ingest/uploads.ts';
import { ImportQueue, IMPORT_JOBS_AT_ONCE, IMPORT_JOBS_WAITING } from '../../ingest/jobQueue.ts';

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, status: { type: 'string', enum: ['running', 'done', 'failed'] }, entity: { type: 'string' }, files: { type: 'array', items: { type: 'string' } },
    rowsDone: { type: 'integer' }, waiting: { type: 'boolean' }, startedAt: { type: 'string' }, finishedAt: { type: 'string' },
    summary: { type: 'object', additionalProperties: true }, error: { type: 'object', additionalProperties: true },
  },
};

/** An uploaded file's name, kept to letters, digits and . _ - (never a path). */
function uploadName(filename: string | undefined): string {
  const name = basename(filename || 'upload').replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^\.+/, '');
  return name || 'upload';
}

const ENCODINGS: Encoding[] = ['auto', 'utf8', 'gbk', 'gb18030', 'utf16', 'utf16le', 'utf16be'];

/** The import's options from the form fields, checked before anything is queued (a bad field is a 400, not a failed job). */
function importOptions(fields: Record<string, string>, files: string[]): ImportOptions {
  const entity = fields.entity as Entity;
  if (!ENTITY_NAMES.includes(entity)) throw new UserError('unknown_entity', `Field 'entity' must be one of: ${ENTITY_NAMES.join(', ')}.`, `字段 entity 必须是：${ENTITY_NAMES.join('、')}。`);
  if (!files.length) throw new UserError('no_files', 'No file in the upload.', '上传中没有文件。');
  if (fields.map && !PRESETS[fields.map]) {
    throw new UserError('bad_map', `'map' must be a preset name over HTTP: ${Object.keys(PRESETS).join(', ')}.`, `通过 HTTP 导入时 map 必须是预设名称：${Object.keys(PRESETS).join('、')}。`);
  }
  const encoding = (fields.encoding || 'auto') as Encoding;
  if (!ENCODINGS.includes(encoding)) throw new UserError('bad_encoding', `'encoding' must be one of ${ENCODINGS.join(', ')}.`, `encoding 必须是 ${ENCODINGS.join('、')} 之一。`);
  const flag = (v: string | undefined) => /^(1|true|yes)$/i.test(v ?? '');
  return { entity, files, map: fields.map || undefined, encoding, sheet: fields.sheet || undefined, dryRun: flag(fields.dry_run), strict: flag(fields.strict), source: fields.source || undefined };
}

/**
 * A summary or error as the API shows it: the uploaded file's name instead of its path on the server, and the
 * quarantine file relative to the data directory.
 */
function withoutServerPaths<T>(value: T, dataDir: string): T {
  return JSON.parse(JSON.stringify(value, (_k, v) => {
    if (typeof v !== 'string') return v;
    const named = withoutUploadPaths(v);
    return named.startsWith(dataDir + '/') ? named.slice(dataDir.length + 1) : named;
  })) as T;
}

/**
 * Imports over HTTP (导入): POST /api/v1/imports takes a multipart upload (fields entity, map, encoding, sheet,
 * dry_run, strict, source, then one or more files) and answers 202 with a status resource,
 * GET /api/v1/imports/:id, that reports progress and, once done, the same summary as `siyu import --json`.
 */
export async function importRoutes(server: FastifyInstance, app: App): Promise<void> {
  await server.register(multipart, { limits: { fileSize: 4 * 1024 ** 3, files: 20, fields: 20 } });
  // Jobs live in the state store (import_jobs): a restart keeps their status; those cut off by it are failed.
  const jobs = new ImportJobs(app);
  await jobs.failInterrupted();
  // Uploads are plaintext: a killed server's are removed now (they wait in the private scratch, never in the data dir).
  removeLeftoverUploads(app.dir);
  const queue = new ImportQueue(IMPORT_JOBS_AT_ONCE, IMPORT_JOBS_WAITING);

  server.post('/api/v1/imports', {
    config: { permission: 'import:write' },
    schema: {
      summary: 'Upload files to import (multipart/form-data: entity, map?, encoding?, sheet?, dry_run?, strict?, source?, file…)',
      tags: ['import'],
      consumes: ['multipart/form-data'],
      response: { 202: jobSchema },
    },
  }, async (req, reply) => {
    if (!req.isMultipart()) throw new UserError('multipart_required', 'Send the files as multipart/form-data.', '请以 multipart/form-data 上传文件。', 415);
    if (!queue.reserve()) {
      reply.header('retry-after', '30');
      throw new UserError('imports_busy', `${IMPORT_JOBS_AT_ONCE} imports are running and ${IMPORT_JOBS_WAITING} more are waiting: upload again when one has finished (GET /api/v1/imports).`,
        `已有 ${IMPORT_JOBS_AT_ONCE} 个导入在运行、${IMPORT_JOBS_WAITING} 个在等待：请在其中一个完成后重新上传（GET /api/v1/imports）。`, 429);
    }
    const id = randomUUID();
    let dir: string;
    try {
      dir = uploadDir(id);
    } catch (e) {
      queue.cancel();
      throw e;
    }
    const fields: Record<string, string> = {};
    // Each file in a directory of its own under its own name, so messages that name the file name the upload.
    const files: string[] = [];
    let opts: ImportOptions;
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          const own = join(dir, String(files.length + 1));
          mkdirSync(own, { mode: 0o700 });
          const path = join(own, uploadName(part.filename));
          await pipeline(part.file, createWriteStream(path, { mode: 0o600 }));
          if (part.file.truncated) throw new UserError('file_too_large', `${part.filename} is larger than the upload limit.`, `${part.filename} 超过上传大小限制。`, 413);
          files.push(path);
        } else fields[part.fieldname] = String(part.value);
      }
      opts = importOptions(fields, files);
    } catch (e) {
      queue.cancel();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const job: ImportJob = { id, status: 'running', entity: opts.entity, files: files.map((f) => basename(f)), rowsDone: 0, startedAt: new Date().toISOString() };
    try {
      await jobs.create(job);
    } catch (e) {
      queue.cancel();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const caller = requestApp(req, app);
    const waiting = queue.turn(id);
    void (async () => {
      const done = await waiting;
      let conn: Awaited<ReturnType<typeof app.warehouse.fork>> | undefined;
      let summary: ImportJob['summary'];
      let error: ImportJob['error'];
      try {
        conn = await app.warehouse.fork();
        const a = { ...appOn(app, conn, caller.actor), audit: caller.audit };
        const out = await importFileByFile(a, { ...opts, onProgress: (n) => void jobs.progress(id, n).catch(() => undefined) });
        // A failure after some files were applied keeps their summary beside the error.
        // A file that failed costs only itself: the job is failed, names the first such file, and the summary keeps
        // the files imported and every failure.
        const failed = out.failed.map((f) => {
          if (!isUserError(f.error)) logError('import', f.error, { job: id });
          return { ...(isUserError(f.error) ? f.error.toJSON() : { error: 'internal', message: 'internal error', message_zh: '内部错误' }), file: basename(f.file) };
        });
        if (!failed.length || out.summary.files.length) summary = failed.length ? { ...out.summary, failed } : out.summary;
        if (failed.length) error = failed[0];
      } catch (e) {
        error = isUserError(e) ? e.toJSON() : { error: 'internal', message: 'internal error', message_zh: '内部错误' };
        if (!isUserError(e)) logError('import', e, { job: id });
      } finally {
        await jobs.finish(id, { summary: summary && withoutServerPaths(summary, app.dir), error: error && withoutServerPaths(error, app.dir) }).catch((e) => logError('import', e, { job: id }));
        conn?.close();
        rmSync(dir, { recursive: true, force: true });
        done();
      }
    })();
    return reply.status(202).header('location', `/api/v1/imports/${id}`).send(queue.isWaiting(id) ? { ...job, waiting: true } : job);
  });

  server.get('/api/v1/imports/:id', {
    config: { permission: 'import:read' },
    schema: { summary: 'Status of an import job (POST /api/v1/imports), or of one file\'s run as GET /api/v1/imports lists them: running (rows done so far), done (its summary) or failed (the error)', tags: ['import'], params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } }, response: { 200: jobSchema } },
  }, async (req) => {
    const id = (req.params as { id: string }).id;
    const job = (await jobs.get(id)) ?? (await jobs.run(id));
    if (!job) throw new UserError('no_import', 'No such import.', '没有该导入任务。', 404);
    return withoutServerPaths(queue.isWaiting(id) ? { ...job, waiting: true } : job, app.dir);
  });

  server.get('/api/v1/imports', {
    config: { permission: 'import:read' },
    schema: {
      summary: 'Recent import runs (one per file), newest first',
      tags: ['import'],
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, entity: { type: 'string' }, source: { type: ['string', 'null'] }, status: { type: 'string' }, started_at: { type: 'string' }, finished_at: { type: ['string', 'null'] }, rows: { type: ['integer', 'null'] }, imported: { type: ['integer', 'null'] }, updated: { type: ['integer', 'null'] }, rejected: { type: ['integer', 'null'] } } } } },
    },
  }, async () => (await recentRuns(app, 100)).map((r) => ({
    id: r.id, entity: r.entity, source: r.source, status: r.status, started_at: iso(r.startedAt), finished_at: iso(r.finishedAt),
    rows: r.rows, imported: r.imported, updated: r.status === 'done' ? Number(r.summary.updated ?? 0) : null, rejected: r.rejected,
  })));
}
