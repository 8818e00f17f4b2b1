import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app/context.ts';
import { appOn } from '../../app/context.ts';
import { wecomConfig, type WecomConfig } from '../../collect/wecomStore.ts';
import { isSourceName } from '../../collect/sources.ts';
import { applyChange, changeOf } from '../../collect/wecomApply.ts';
import { wecomSignature, signatureMatches, wecomDecrypt } from '../../domain/collect/wecomCrypto.ts';
import { field, parseWecomXml } from '../../domain/collect/wecomXml.ts';
import { isUserError, UserError } from '../../errors.ts';
import { logError } from '../../logging.ts';

/**
 * The WeCom (企业微信) "receive events" callback, per WeCom source: GET verifies the URL (the bare decrypted
 * echostr), POST takes encrypted change events (external contacts, customer groups) and answers `success`.
 * Before anything is parsed the source must exist and the body be at most 64 KiB; the outer XML is read by a
 * linear parser only to find the ciphertext the signature covers; forged signatures, a receiveid that is not the
 * source's corp id, and timestamps that are not a number of seconds within 5 minutes of now are refused (403). A
 * message seen before (WeCom retries) is acknowledged without being applied twice; an applied one is checkpointed
 * into the warehouse before it is acknowledged.
 */
const MAX_SKEW_S = 300;
export const WECOM_BODY_LIMIT = 64 * 1024;

export async function wecomRoutes(scope: FastifyInstance, app: App): Promise<void> {
  const db = await app.warehouse.fork();
  scope.addHook('onClose', async () => db.close());
  const wapp = appOn(app, db, 'wecom');
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const query = { type: 'object', properties: { msg_signature: { type: 'string' }, timestamp: { type: 'string' }, nonce: { type: 'string' }, echostr: { type: 'string' } } };
  const params = { type: 'object', properties: { source: { type: 'string' } } };
  const limits = { bodyLimit: WECOM_BODY_LIMIT, config: { public: true } };
  scope.get('/wecom/callback/:source', { ...limits, schema: { summary: 'WeCom callback URL verification (answers the decrypted echostr)', tags: ['collect'], querystring: query, params } }, async (req, reply) => {
    return guard(reply, async () => {
      const cfg = await sourceOf(wapp, req);
      const q = req.query as Record<string, string>;
      check(cfg, q, String(q.echostr ?? ''));
      const { message, receiveId } = wecomDecrypt(cfg.aesKey, q.echostr);
      if (receiveId !== cfg.corpId) throw forbidden('receiveid');
      return reply.type('text/plain; charset=utf-8').send(message);
    });
  });
  scope.post('/wecom/callback/:source', { ...limits, schema: { summary: 'WeCom change events (external contacts, customer groups), encrypted XML (at most 64 KiB)', tags: ['collect'], querystring: query, params } }, async (req, reply) => {
    return guard(reply, async () => {
      const cfg = await sourceOf(wapp, req);
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : String(req.body ?? '');
      const encrypted = field(parseWecomXml(body), 'Encrypt');
      if (!encrypted) throw new UserError('bad_wecom_message', 'The body has no <Encrypt> element.', '请求体缺少 <Encrypt> 元素。');
      check(cfg, req.query as Record<string, string>, encrypted);
      const { message, receiveId } = wecomDecrypt(cfg.aesKey, encrypted);
      if (receiveId !== cfg.corpId) throw forbidden('receiveid');
      const x = parseWecomXml(message);
      const digest = createHash('sha256').update(message).digest('hex');
      const from = field(x, 'FromUserName');
      const created = Number(field(x, 'CreateTime'));
      await serial(async () => {
        const applied = await db.transaction(async () => {
          const fresh = await db.all(
            `insert or ignore into collect_wecom_seen (workspace_id, source_id, from_user, create_time, digest) values ($ws, $sid, $f, $t, $d) returning 1`,
            { ws: wapp.workspaceId, sid: cfg.sourceId, f: from, t: Number.isSafeInteger(created) ? created : 0, d: digest },
          );
          if (!fresh.length) return false;
          const change = changeOf(x, `${from}:${field(x, 'CreateTime')}:${digest}`);
          if (change) await applyChange(wapp, cfg, change);
          return true;
        });
        // Acknowledged only once durable: DuckDB's own log is not replayed after a crash.
        if (applied) await db.checkpoint();
      });
      return reply.type('text/plain; charset=utf-8').send('success');
    });
  });
}

async function sourceOf(app: App, req: FastifyRequest): Promise<WecomConfig> {
  const name = String((req.params as { source: string }).source);
  const cfg = isSourceName(name) ? await wecomConfig(app, name) : null;
  if (!cfg) throw new UserError('no_source', `There is no WeCom source named '${name}'.`, `没有名为 '${name}' 的企业微信数据源。`, 404);
  return cfg;
}

/** The signature over token, timestamp, nonce and ciphertext, and the timestamp's freshness (whole seconds only). */
function check(cfg: WecomConfig, q: Record<string, string>, encrypted: string): void {
  if (!q.msg_signature || !q.timestamp || !q.nonce || !encrypted) throw new UserError('bad_wecom_request', 'msg_signature, timestamp, nonce and the ciphertext are all required.', '缺少 msg_signature、timestamp、nonce 或密文。');
  if (!signatureMatches(wecomSignature(cfg.token, q.timestamp, q.nonce, encrypted), q.msg_signature)) throw forbidden('signature');
  if (!fresh(q.timestamp, Date.now())) throw forbidden('timestamp');
}

/** A WeCom timestamp: decimal seconds within 5 minutes of now (`abc`, `1e9`, `` are not: NaN compares false). */
export function fresh(timestamp: string, now: number): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(now / 1000 - Number(timestamp)) <= MAX_SKEW_S;
}

function forbidden(what: string): UserError {
  return new UserError('wecom_rejected', `The callback was rejected: its ${what} does not check out.`, `回调被拒绝：${what} 校验失败。`, 403);
}

async function guard(reply: FastifyReply, fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return await fn();
  } catch (e) {
    if (!isUserError(e)) logError('collect.wecom', e);
    const err = isUserError(e) ? e : new UserError('unavailable', 'The callback could not be processed; WeCom will retry.', '回调处理失败，企业微信将重试。', 503);
    return reply.status(err.status).type('text/plain; charset=utf-8').send(err.code);
  }
}
