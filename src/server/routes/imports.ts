import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join, basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { App } from '../../app/context.ts';
import { appOn } from '../../app/context.ts';
import { importFiles } from '../../ingest/index.ts';
import { ENTITY_NAMES, type Entity } from '../../ingest/canonical.ts';
import { UserError, isUserError } from '../../errors.ts';
import { requestApp } from '../auth/scope.ts';
import { logError } from '../../logging.ts';
import type { Encoding } from '../../ingest/types.ts';
import { ImportJobs, type ImportJob } from '../../ingest/jobs.ts';

const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, status: { type: 'string', enum: ['running', 'done', 'failed'] }, entity: { type: 'string' }, files: { type: 'array', items: { type: 'string' } },
    rowsDone: { type: 'integer' }, startedAt: { type: 'string' }, finishedAt: { type: 'string' },
    summary: { type: 'object', additionalProperties: true }, error: { type: 'object', additionalProperties: true },
  },
};

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
    const id = randomUUID();
    const dir = join(app.dir, 'uploads', id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fields: Record<string, string> = {};
    const files: string[] = [];
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file') {
          const path = join(dir, `${files.length + 1}-${basename(part.filename || 'upload').replace(/[^\p{L}\p{N}._-]+/gu, '_')}`);
          await pipeline(part.file, createWriteStream(path, { mode: 0o600 }));
          if (part.file.truncated) throw new UserError('file_too_large', `${part.filename} is larger than the upload limit.`, `${part.filename} 超过上传大小限制。`, 413);
          files.push(path);
        } else fields[part.fieldname] = String(part.value);
      }
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const entity = fields.entity as Entity;
    if (!ENTITY_NAMES.includes(entity)) {
      rmSync(dir, { recursive: true, force: true });
      throw new UserError('unknown_entity', `Field 'entity' must be one of: ${ENTITY_NAMES.join(', ')}.`, `字段 entity 必须是：${ENTITY_NAMES.join('、')}。`);
    }
    if (!files.length) {
      rmSync(dir, { recursive: true, force: true });
      throw new UserError('no_files', 'No file in the upload.', '上传中没有文件。');
    }
    if (fields.map && !/^[a-z0-9-]+$/.test(fields.map)) {
      rmSync(dir, { recursive: true, force: true });
      throw new UserError('bad_map', `'map' must be a preset name over HTTP.`, `通过 HTTP 导入时 map 必须是预设名称。`);
    }
    const job: ImportJob = { id, status: 'running', entity, files: files.map((f) => basename(f)), rowsDone: 0, startedAt: new Date().toISOString() };
    await jobs.create(job);
    const caller = requestApp(req, app);
    void (async () => {
      const conn = await app.db.fork();
      let summary: ImportJob['summary'];
      let error: ImportJob['error'];
      try {
        const a = { ...appOn(conn, app.dir, caller.actor), audit: caller.audit };
        summary = await importFiles(a, {
          entity, files, map: fields.map || undefined, encoding: (fields.encoding || 'auto') as Encoding, sheet: fields.sheet || undefined,
          dryRun: /^(1|true|yes)$/i.test(fields.dry_run ?? ''), strict: /^(1|true|yes)$/i.test(fields.strict ?? ''), source: fields.source || undefined,
          onProgress: (n) => void jobs.progress(id, n).catch(() => undefined),
        });
      } catch (e) {
        error = isUserError(e) ? e.toJSON() : { error: 'internal', message: 'internal error', message_zh: '内部错误' };
        if (!isUserError(e)) logError('import', e, { job: id });
      } finally {
        await jobs.finish(id, { summary, error }).catch((e) => logError('import', e, { job: id }));
        conn.close();
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    return reply.status(202).header('location', `/api/v1/imports/${id}`).send(job);
  });

  server.get('/api/v1/imports/:id', {
    config: { permission: 'import:read' },
    schema: { summary: 'Status of an import: running (rows done so far), done (its summary) or failed (the error)', tags: ['import'], params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } }, response: { 200: jobSchema } },
  }, async (req) => {
    const job = await jobs.get((req.params as { id: string }).id);
    if (!job) throw new UserError('no_import', 'No such import.', '没有该导入任务。', 404);
    return job;
  });

  server.get('/api/v1/imports', {
    config: { permission: 'import:read' },
    schema: {
      summary: 'Recent import runs (one per file), newest first',
      tags: ['import'],
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, entity: { type: 'string' }, source: { type: ['string', 'null'] }, status: { type: 'string' }, started_at: { type: 'string' }, finished_at: { type: ['string', 'null'] }, rows: { type: ['integer', 'null'] }, imported: { type: ['integer', 'null'] }, rejected: { type: ['integer', 'null'] } } } } },
    },
  }, async () => app.db.all(`select id, entity, source, status, started_at, finished_at, rows, imported, rejected from import_runs where workspace_id = $ws order by started_at desc limit 100`, { ws: app.workspaceId }));
}
