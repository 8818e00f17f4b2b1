import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { createApiKey } from '../src/server/auth/users.ts';
import { createSource, rotateWriteKey } from '../src/collect/sources.ts';
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
