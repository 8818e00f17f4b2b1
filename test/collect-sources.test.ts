import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { createApiKey } from '../src/server/auth/users.ts';
import { createSource, keyDigest, revealWriteKey, rotateWriteKey } from '../src/collect/sources.ts';
import { wecomConfig } from '../src/collect/wecomStore.ts';
import { sourcesReport } from '../src/collect/report.ts';
import { encrypt } from '../src/domain/privacy/cipher.ts';
import { startHarness } from './collect.helpers.ts';
import { startPostgres, postgresMissing } from './support/postgres.ts';

/**
 * Sources on the state store: `POST /api/v1/sources` as an operator calls it (hardening #21: audited as the caller,
 * unknown fields refused, a WeCom source only with its configuration), and write keys that work — or stop working
 * after a rotation — at once in the server that made the change and within a second on another node sharing the
 * state (PostgreSQL).
 */
const AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const track = (url: string, key: string, id: string) => fetch(`${url}/v1/track`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}`, 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'u', event: 'E', messageId: id }) });

test('POST /api/v1/sources: audited as the calling key, unknown fields refused, a WeCom source needs its configuration, trust and capture_consent taken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-src-'));
  const app = await openApp({ dir });
  const server = await buildServer(app, { auth: true });
  try {
    await server.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    const { id: keyId, key } = await createApiKey(app, { name: 'ops', role: 'admin' });
    const post = (body: unknown) => fetch(`${base}/api/v1/sources`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const web = await post({ name: 'web' });
    assert.equal(web.status, 201);
    const created = await web.json();
    assert.deepEqual([created.name, created.kind, created.trust, typeof created.write_key], ['web', 'tracking', 'client', 'string']);
    const audit = await (await fetch(`${base}/api/v1/audit?action=collect.source.create`, { headers: { authorization: `Bearer ${key}` } })).json();
    assert.equal(audit[0].actor, `key:${keyId}`, 'the entry names the calling key, not the server');

    const extra = await post({ name: 'x', kind: 'tracking', owner: 'me' });
    assert.equal(extra.status, 400);
    assert.match((await extra.json()).message, /Unknown field 'owner'/);
    const bare = await post({ name: 'wx', kind: 'wecom' });
    assert.equal(bare.status, 400);
    assert.equal((await bare.json()).error, 'wecom_needs_config');
    const stray = await post({ name: 'y', token: 't' });
    assert.equal(stray.status, 400);
    const wx = await post({ name: 'wx', kind: 'wecom', corp_id: 'ww1', token: 'tok', aes_key: AES });
    assert.equal(wx.status, 201);
    assert.equal((await wx.json()).callback_path, '/wecom/callback/wx');
    const backend = await (await post({ name: 'backend', kind: 'server' })).json();
    assert.equal(backend.trust, 'server');
    const form = await (await post({ name: 'form', capture_consent: true })).json();
    assert.deepEqual([form.trust, form.settings], ['client', { capture_consent: true }]);
    assert.equal((await post({ name: 'web' })).status, 409);

    const listed = await (await fetch(`${base}/api/v1/sources`, { headers: { authorization: `Bearer ${key}` } })).json();
    assert.deepEqual(listed.sources.map((s: { name: string; trust: string; events: number; dead_letters: number }) => [s.name, s.trust, s.events, s.dead_letters]), [
      ['web', 'client', 0, 0], ['wx', 'server', 0, 0], ['backend', 'server', 0, 0], ['form', 'client', 0, 0],
    ]);
    assert.equal((await track(base, created.write_key, 'k1')).status, 200, 'the new key works at once');
  } finally {
    await server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rotated key stops working at once in the server that rotated it; the new one works', async () => {
  const h = await startHarness();
  try {
    const s = await h.source('web');
    assert.equal((await track(h.url, s.write_key, 'r1')).status, 200);
    const rotated = await rotateWriteKey(h.app, 'web');
    assert.equal((await track(h.url, s.write_key, 'r2')).status, 401);
    assert.equal((await track(h.url, rotated.write_key, 'r3')).status, 200);
  } finally {
    await h.close();
  }
});

const pg = startPostgres();
after(() => pg?.stop());

test('on a PostgreSQL state shared by two nodes, a source created or rotated on one works (or stops) on the other within a second', { skip: pg ? false : postgresMissing() ?? 'no PostgreSQL' }, async () => {
  process.env.SIYU_STATE_URL = pg!.database('sources');
  const a = await startHarness();
  const otherDir = mkdtempSync(join(tmpdir(), 'siyu-node-b-'));
  const b = await openApp({ dir: otherDir });
  try {
    assert.equal(a.app.state.dialect, 'postgres');
    const s = await createSource(b, 'shared');
    let key = s.write_key;
    const within = async (want: number, id: string) => {
      const t0 = Date.now();
      let status = 0;
      while (Date.now() - t0 < 1500 && (status = (await track(a.url, key, id)).status) !== want) await new Promise((r) => setTimeout(r, 50));
      return { status, ms: Date.now() - t0 };
    };
    const created = await within(200, 'n1');
    assert.equal(created.status, 200);
    assert.ok(created.ms <= 1200, `the new key worked after ${created.ms} ms`);
    const rotated = await rotateWriteKey(b, 'shared');
    const old = await within(401, 'n2');
    assert.equal(old.status, 401, 'the old key stops working');
    assert.ok(old.ms <= 1200, `after ${old.ms} ms`);
    key = rotated.write_key;
    assert.equal((await within(200, 'n3')).status, 200);
  } finally {
    await b.close();
    await a.close();
    rmSync(otherDir, { recursive: true, force: true });
    delete process.env.SIYU_STATE_URL;
  }
});

/**
 * A store made before sources moved to the state store: its warehouse holds them (as the migrations 020/023 made
 * them), the state store nothing. On first use they are copied over with their ids, so the old write key still
 * works, counters stay attached and a new source gets the next id — on SQLite and on PostgreSQL.
 */
for (const engine of ['sqlite', 'postgres'] as const) {
  test(`an existing store's sources move to the state store on first use (${engine}): old keys work, ids kept, a new source numbered after them`, { skip: engine === 'postgres' && !pg ? postgresMissing() ?? 'no PostgreSQL' : false }, async () => {
    if (engine === 'postgres') process.env.SIYU_STATE_URL = pg!.database(`legacy_${Date.now()}`);
    const dir = mkdtempSync(join(tmpdir(), 'siyu-legacy-'));
    try {
      const old = await openApp({ dir });
      const key = 'sk_legacy_key_of_a_web_page_0123456789';
      await old.warehouse.run(`insert into collect_sources (workspace_id, id, name, kind, write_key_sha256, write_key_cipher, write_key_masked) values (1, 5, 'web', 'tracking', $h, $c, 'sk_leg…6789')`, { h: keyDigest(key), c: encrypt(old.keys, key) });
      await old.warehouse.run(`insert into collect_sources (workspace_id, id, name, kind, write_key_sha256, write_key_cipher, write_key_masked) values (1, 7, 'wx', 'wecom', 'x', $c, 'x')`, { c: encrypt(old.keys, 'unused') });
      await old.warehouse.run(`insert into collect_wecom (workspace_id, source_id, corp_id, token_cipher, aes_key_cipher, api_base) values (1, 7, 'ww1', $t, $k, 'https://qyapi.weixin.qq.com')`, { t: encrypt(old.keys, 'tok'), k: encrypt(old.keys, AES) });
      await old.warehouse.run(`insert into collect_source_stats (workspace_id, source_id, events) values (1, 5, 42)`);
      await old.close();

      const h = await startHarness(dir);
      try {
        assert.equal(h.app.state.dialect, engine);
        assert.equal((await track(h.url, key, 'old-1')).status, 200, 'the old write key works');
        assert.equal(await revealWriteKey(h.app, 'web'), key);
        assert.equal((await wecomConfig(h.app, 'wx'))?.corpId, 'ww1');
        const s = await h.source('mini');
        assert.equal(s.id, 8, 'numbered after the copied sources');
        await h.drained();
        assert.deepEqual((await sourcesReport(h.app)).map((r) => [r.id, r.name, r.trust, r.events]), [[5, 'web', 'client', 43], [7, 'wx', 'server', 0], [8, 'mini', 'client', 0]]);
      } finally {
        await h.close();
      }
    } finally {
      delete process.env.SIYU_STATE_URL;
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
