import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Collector } from '../../collect/collector.ts';
import { bodyBytes, cors, PIXEL } from '../../collect/http.ts';
import { decodeSensorsForm, sensorsToBatch } from '../../domain/collect/sensors.ts';
import { isUserError, UserError } from '../../errors.ts';
import { invalid } from '../../domain/collect/limits.ts';
import type { CollectedBatch } from '../../domain/collect/event.ts';
import type { Source } from '../../collect/sources.ts';
import { logError } from '../../logging.ts';

/**
 * The 神策 (Sensors Analytics) endpoints: GET and POST on /sa (also /sa.gif, which the web SDK's image mode
 * uses, and any path listed in SIYU_SA_PATHS) and /debug. `project` (the source name) and `token` (its write key)
 * come from the query. Answers never carry JSON: a 1×1 GIF to GET, an empty body to POST; on an error the
 * status says it and `X-Siyu-Error` names the problem (image and beacon requests cannot read a body).
 */
export async function sensorsRoutes(scope: FastifyInstance, collector: Collector): Promise<void> {
  const extra = (process.env.SIYU_SA_PATHS ?? '').split(',').map((p) => p.trim()).filter((p) => p.startsWith('/'));
  const paths = [...new Set(['/sa', '/sa.gif', '/debug', ...extra])];
  for (const path of paths) {
    const debug = path === '/debug';
    scope.options(path, { schema: { hide: true } as never, config: { public: true } }, async (req, reply) => {
      cors(req, reply);
      return reply.status(204).send();
    });
    const schema = {
      summary: `神策 (Sensors Analytics) ${debug ? 'debug endpoint (Dry-Run: true validates without storing)' : 'collection endpoint'}`,
      description: 'Form fields `data` (one record) or `data_list` (array): base64 of the JSON, gzip\'d first when `gzip=1`. Query: `project` (source name) and `token` (write key). GET answers a 1×1 GIF, POST an empty body.',
      tags: ['collect'],
      querystring: { type: 'object', properties: { project: { type: 'string' }, token: { type: 'string' }, data: { type: 'string' }, data_list: { type: 'string' }, gzip: { type: 'string' }, ext: { type: 'string' }, crc: { type: 'string' } } },
    };
    // No per-request access log at this rate (errors are counted per source instead).
    scope.get(path, { config: { public: true }, logLevel: 'warn', schema }, (req, reply) => handleSensors(collector, debug, req, reply));
    scope.post(path, { config: { public: true }, logLevel: 'warn', schema }, (req, reply) => handleSensors(collector, debug, req, reply));
  }
}

/** The request's records mapped, or a 4xx: it depends on the request alone, so anything it throws is a 400. */
function readSensors(collector: Collector, source: Source, req: FastifyRequest | null, query: URLSearchParams, receivedAt: number): CollectedBatch {
  try {
    const form = req ? new URLSearchParams(bodyBytes(req).toString('utf8')) : query;
    if (req) for (const k of ['data', 'data_list', 'gzip']) if (!form.has(k) && query.has(k)) form.set(k, query.get(k)!);
    return sensorsToBatch(decodeSensorsForm(form), { sourceId: source.id, hasher: collector.hasher, receivedAt, timezone: collector.timezone });
  } catch (e) {
    if (isUserError(e)) throw e;
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw invalid('too_deep', 'The data nests objects or arrays too deeply to be stored.', '数据的对象或数组嵌套过深，无法保存。');
    logError('collect.sensors.read', e, { source: source.id });
    throw invalid('unreadable', "The 'data' could not be read as 神策 records.", "无法将 'data' 读取为神策记录。");
  }
}

async function handleSensors(collector: Collector, debug: boolean, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const receivedAt = Date.now();
  cors(req, reply);
  const isGet = req.method === 'GET';
  const url = String(req.url);
  const q = url.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  let sourceId: number | null = null;
  try {
    const token = query.get('token');
    const source = collector.authenticate(token);
    if (!source) throw new UserError('bad_token', token ? 'The token is not the write key of any source.' : "No token: add '&token=<write key>' to the server URL.", token ? 'token 不是任何数据源的写入密钥。' : "缺少 token：请在服务器地址后加上 '&token=<写入密钥>'。", 401);
    const project = query.get('project');
    if (project && project !== source.name && project !== 'default') throw new UserError('bad_project', `project '${project}' is not the source this token belongs to.`, `project '${project}' 与 token 所属数据源不符。`, 403);
    sourceId = source.id;
    const batch = readSensors(collector, source, isGet ? null : req, query, receivedAt);
    const dryRun = debug && String(req.headers['dry-run'] ?? '').toLowerCase() === 'true';
    if (!dryRun) await collector.accept(source, batch, receivedAt);
    return isGet ? reply.status(200).type('image/gif').header('cache-control', 'no-store').send(PIXEL) : reply.status(200).send();
  } catch (e) {
    if (!isUserError(e)) logError('collect.sensors', e, { source: sourceId });
    const err = isUserError(e) ? e : new UserError('unavailable', 'The data could not be stored; retry.', '数据未能保存，请重试。', 503);
    collector.noteError(sourceId, err.code);
    if (err.status === 429 || err.status === 503) reply.header('retry-after', '1');
    reply.header('x-siyu-error', err.code);
    // /debug answers with the reason as plain text, as the 神策 debug endpoint does; image/beacon requests get none.
    if (debug && !isGet) return reply.status(err.status).type('text/plain; charset=utf-8').send(`${err.message}\n${err.zh}`);
    return isGet ? reply.status(err.status).type('image/gif').send(PIXEL) : reply.status(err.status).send();
  }
}
