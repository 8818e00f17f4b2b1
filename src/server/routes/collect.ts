import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app/context.ts';
import { Collector } from '../../collect/collector.ts';
import { collectLimits } from '../../config.ts';
import { bodyBytes, basicAuthKey, cors } from '../../collect/http.ts';
import { segmentToBatch, SEGMENT_TYPES, type SegmentType } from '../../domain/collect/segment.ts';
import { LIMITS, invalid, tooLarge } from '../../domain/collect/limits.ts';
import { assertWellFormed } from '../../domain/collect/loadable.ts';
import type { CollectedBatch } from '../../domain/collect/event.ts';
import type { Source } from '../../collect/sources.ts';
import { isUserError, UserError } from '../../errors.ts';
import { sensorsRoutes } from './collectSensors.ts';
import { logError } from '../../logging.ts';
import { sourceRoutes } from './sources.ts';
import { wecomRoutes } from './collectWecom.ts';

/**
 * The collection endpoints (数据采集): the Segment HTTP Tracking API (/v1/batch, /v1/track …) and the 神策 wire
 * format (/sa, /debug). They are public routes authenticated by write key, registered in their own encapsulated
 * context whose body parser hands raw bytes over (gzip, forms sent as text/plain by sendBeacon). The collector
 * (write-ahead log + loader) starts here and stops when the server closes.
 */
export async function collectRoutes(server: FastifyInstance, app: App): Promise<void> {
  const collector = await Collector.start(app, collectLimits());
  server.addHook('onClose', async () => collector.stop());
  await sourceRoutes(server, app);
  await server.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: LIMITS.bodyBytes }, (_req, body, done) => done(null, body));
    segmentRoutes(scope, collector);
    await sensorsRoutes(scope, collector);
    await wecomRoutes(scope, app);
  });
}

const ok = { type: 'object', properties: { success: { type: 'boolean' } } };
const failed = { type: 'object', properties: { success: { type: 'boolean' }, error: { type: 'string' }, message: { type: 'string' }, message_zh: { type: 'string' } } };

function segmentRoutes(scope: FastifyInstance, collector: Collector): void {
  const paths: (SegmentType | 'batch')[] = ['batch', ...SEGMENT_TYPES];
  for (const kind of paths) {
    scope.options(`/v1/${kind}`, { schema: { hide: true } as never, config: { public: true } }, async (req, reply) => {
      cors(req, reply);
      return reply.status(204).send();
    });
    scope.post(`/v1/${kind}`, {
      config: { public: true },
      // Tens of thousands of requests a second: per-request access logs would cost more than the request; rejected
      // requests are counted per source (collect_source_errors) instead.
      logLevel: 'warn',
      schema: {
        summary: kind === 'batch' ? 'Segment-compatible batch of tracking messages' : `Segment-compatible ${kind} message`,
        description: 'Body: JSON as the Segment HTTP Tracking API defines it (gzip with Content-Encoding: gzip). Authenticated by the source\'s write key as the Basic-auth user name (or `writeKey` in the body). Answered once the messages are durable (write-ahead log, fsync).',
        tags: ['collect'],
        response: { 200: ok, 400: failed, 401: failed, 429: failed },
      },
    }, (req, reply) => handleSegment(collector, kind, req, reply));
  }
}

async function handleSegment(collector: Collector, kind: SegmentType | 'batch', req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const receivedAt = Date.now();
  cors(req, reply);
  let sourceId: number | null = null;
  try {
    // The Basic-auth key first, so a malformed body is counted against its source.
    const headerKey = basicAuthKey(req);
    const known = headerKey ? collector.authenticate(headerKey) : null;
    if (known) sourceId = known.id;
    const { source, batch } = readSegment(collector, kind, req, headerKey, known, receivedAt);
    sourceId = source.id;
    await collector.accept(source, batch, receivedAt);
    return reply.status(200).send({ success: true });
  } catch (e) {
    if (!isUserError(e)) logError('collect.segment', e, { kind, source: sourceId });
    const err = isUserError(e) ? e : new UserError('unavailable', 'The event could not be stored; retry.', '事件未能保存，请重试。', 503);
    collector.noteError(sourceId, err.code);
    if (err.status === 429 || err.status === 503) reply.header('retry-after', '1');
    return reply.status(err.status).send({ success: false, ...err.toJSON() });
  }
}

/**
 * The request's source and its messages mapped, or a 4xx naming the problem. Everything here depends on the body
 * alone, so whatever else it throws is a 400 too (a 503 would have SDKs resend the same body forever).
 */
function readSegment(collector: Collector, kind: SegmentType | 'batch', req: FastifyRequest, headerKey: string | null, known: Source | null, receivedAt: number): { source: Source; batch: CollectedBatch } {
  try {
    const bytes = bodyBytes(req);
    if (kind === 'batch' && bytes.length > LIMITS.batchBytes) throw tooLarge('The batch', bytes.length, LIMITS.batchBytes);
    if (kind !== 'batch' && bytes.length > LIMITS.eventBytes) throw tooLarge('The message', bytes.length, LIMITS.eventBytes);
    const text = bytes.toString('utf8');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw invalid('bad_json', 'The body is not valid JSON.', '请求体不是有效的 JSON。');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('bad_json', 'The body must be a JSON object.', '请求体必须是 JSON 对象。');
    const key = headerKey ?? (typeof body.writeKey === 'string' ? body.writeKey : null);
    const source = known ?? collector.authenticate(key);
    if (!source) throw new UserError('bad_write_key', key ? 'The write key is not one of this workspace\'s sources.' : 'No write key: send it as the Basic-auth user name.', key ? '写入密钥不属于任何数据源。' : '缺少写入密钥：请以 Basic 认证用户名发送。', 401);
    collector.checkBackpressure();
    assertWellFormed(text, body, '');
    let messages: Record<string, unknown>[];
    if (kind === 'batch') {
      if (!Array.isArray(body.batch)) throw invalid('missing_batch', "A batch request needs a 'batch' array.", "批量请求需要 'batch' 数组。");
      if (body.batch.length > LIMITS.batchEvents) throw invalid('too_many', `The batch has ${body.batch.length} messages; the limit is ${LIMITS.batchEvents}.`, `批量包含 ${body.batch.length} 条消息，上限为 ${LIMITS.batchEvents}。`);
      messages = body.batch as Record<string, unknown>[];
      if (bytes.length > LIMITS.eventBytes) {
        messages.forEach((m, i) => {
          const size = Buffer.byteLength(JSON.stringify(m) ?? '');
          if (size > LIMITS.eventBytes) throw tooLarge(`batch[${i}]`, size, LIMITS.eventBytes);
        });
      }
    } else {
      messages = [{ ...body, type: body.type ?? kind }];
      if (messages[0].type !== kind) throw invalid('bad_type', `/v1/${kind} received a message of type '${String(messages[0].type)}'.`, `/v1/${kind} 收到了类型为 '${String(messages[0].type)}' 的消息。`);
    }
    const batch = segmentToBatch(messages, { sourceId: source.id, hasher: collector.hasher, receivedAt, timezone: collector.timezone }, body.sentAt, kind === 'batch');
    return { source, batch };
  } catch (e) {
    if (isUserError(e)) throw e;
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw invalid('too_deep', 'The body nests objects or arrays too deeply to be stored.', '请求体的对象或数组嵌套过深，无法保存。');
    logError('collect.segment.read', e, { kind });
    throw invalid('unreadable', 'The body could not be read as Segment messages.', '无法将请求体读取为 Segment 消息。');
  }
}
