import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { verifyAudit } from '../src/privacy/audit.ts';
import { anchorsSent } from '../src/privacy/auditAnchors.ts';
import { auditPiiRead, auditExport, auditLogin, auditUnmask } from '../src/privacy/trail.ts';
import { keyedEntryHash, legacyEntryHash, GENESIS, type AuditRowContent } from '../src/domain/privacy/auditHash.ts';
import { startPostgres, postgresMissing } from './support/postgres.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const pg = startPostgres();
after(() => pg?.stop());

type Engine = { name: string; url: () => string | null; skip: string | false };
const engines: Engine[] = [
  { name: 'sqlite', url: () => null, skip: false },
  { name: 'postgres', url: () => pg!.database(), skip: pg ? false : (postgresMissing() ?? 'no PostgreSQL') },
];

async function open(dir: string, url: string | null): Promise<App> {
  if (url) process.env.SIYU_STATE_URL = url;
  try {
    return await openApp({ dir, actor: 'tester' });
  } finally {
    delete process.env.SIYU_STATE_URL;
  }
}

const cli = (dir: string, url: string | null, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir, ...(url ? { SIYU_STATE_URL: url } : {}) }, encoding: 'utf8' });

type Row = AuditRowContent & { prev_hash: string; hash: string };

async function rows(app: App): Promise<Row[]> {
  const r = await app.state.all<Record<string, unknown>>('select seq, logged_at, workspace_id, actor, action, target, detail, prev_hash, hash from audit_log order by seq');
  return r.map((x) => ({ seq: Number(x.seq), at: Number(x.logged_at), workspace_id: x.workspace_id === null ? null : Number(x.workspace_id), actor: String(x.actor), action: String(x.action), target: x.target as string | null, detail: x.detail as string | null, prev_hash: String(x.prev_hash), hash: String(x.hash) }));
}

/** What someone with write access to the store (and not the keyring) can do: rewrite the rows, renumbered and rehashed. */
async function rewriteChain(app: App, keep: Row[], hash: (prev: string, r: AuditRowContent) => string): Promise<void> {
  await app.state.transaction(async () => {
    await app.state.run('delete from audit_log');
    let prev = GENESIS;
    let seq = 0;
    for (const r of keep) {
      const c = { ...r, seq: ++seq };
      const h = hash(prev, c);
      await app.state.run(`insert into audit_log (seq, logged_at, workspace_id, actor, action, target, detail, prev_hash, hash) values ($s, $at, $ws, $a, $ac, $t, $d, $p, $h)`,
        { s: c.seq, at: c.at, ws: c.workspace_id, a: c.actor, ac: c.action, t: c.target, d: c.detail, p: prev, h });
      prev = h;
    }
    await app.state.run('update audit_head set seq = $s, hash = $h where id = 1', { s: seq, h: prev });
  });
}

async function someEntries(app: App): Promise<void> {
  await auditPiiRead(app, { customerId: 1, fields: ['phone'], purpose: 'care' });
  await auditUnmask(app, { customerId: 1, fields: ['phone'], reason: 'courier asked' });
  await auditExport(app, { what: 'segment', id: 'vip', rows: 10, masked: true });
  await auditUnmask(app, { customerId: 2, fields: ['name'], reason: 'complaint' });
  await auditLogin(app, { user: 'owner', ok: true, via: 'password' });
  await auditPiiRead(app, { customerId: 2, fields: ['name'] });
}

for (const e of engines) {
  const t = (name: string, fn: (dir: string, url: string | null) => Promise<void>) =>
    test(`${e.name}: ${name}`, { skip: e.skip }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'siyu-audit-'));
      try {
        await fn(dir, e.url());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

  t('siyu audit verify: exit 0 on an untouched chain; altered and deleted entries named, exit 1', async (dir, url) => {
    const app = await open(dir, url);
    await someEntries(app);
    await app.close();
    const ok = cli(dir, url, 'audit', 'verify', '--json');
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), { ok: true, entries: 6, anchored: 6, problems: [] });
    const list = JSON.parse(cli(dir, url, 'audit', 'list', '--action', 'pii.read', '--json').stdout);
    assert.deepEqual(list.map((r: { seq: number; action: string; actor: string }) => [r.seq, r.action, r.actor]), [[6, 'pii.read', 'tester'], [1, 'pii.read', 'tester']]);
    assert.match(list[0].at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const db = await open(dir, url);
    await db.state.run(`update audit_log set detail = '{"rows":1}' where seq = 3`);
    await db.state.run('delete from audit_log where seq = 5');
    await db.close();
    const bad = cli(dir, url, 'audit', 'verify', '--json');
    assert.equal(bad.status, 1);
    assert.deepEqual(JSON.parse(bad.stdout).problems, [{ seq: 3, problem: 'altered' }, { seq: 6, problem: 'missing_before' }, { seq: 6, problem: 'broken_link' }]);
    assert.match(bad.stderr, /entries 3, 6/);
    assert.match(bad.stderr, /审计日志校验失败/);
  });

  t('deleting the newest entries and rewinding the head fails: the anchors outside the store name them', async (dir, url) => {
    const app = await open(dir, url);
    try {
      await someEntries(app);
      const kept = (await rows(app)).slice(0, 4);
      await app.state.run('delete from audit_log where seq >= 5');
      await app.state.run('update audit_head set seq = 4, hash = $h where id = 1', { h: kept[3].hash });
      assert.deepEqual((await verifyAudit(app)).problems, [{ seq: 5, problem: 'missing_after' }]);
      // and with the head row deleted too
      await app.state.run('delete from audit_head');
      assert.deepEqual((await verifyAudit(app)).problems, [{ seq: 4, problem: 'head_missing' }, { seq: 5, problem: 'missing_after' }]);
    } finally {
      await app.close();
    }
  });

  t('a missing head fails even with no anchors; the next append rebuilds it and the chain keeps the record', async (dir, url) => {
    const app = await open(dir, url);
    try {
      await someEntries(app);
      rmSync(join(dir, 'audit.anchors'));
      assert.equal((await verifyAudit(app)).ok, true);
      await app.state.run('delete from audit_head');
      assert.deepEqual((await verifyAudit(app)).problems, [{ seq: 6, problem: 'head_missing' }]);
      await auditPiiRead(app, { customerId: 3, fields: ['phone'] });
      const r = await rows(app);
      assert.deepEqual(r.slice(6).map((x) => [x.seq, x.action]), [[7, 'audit.head_restored'], [8, 'pii.read']]);
      assert.deepEqual((await verifyAudit(app)).problems, [{ seq: 7, problem: 'head_restored' }]);
    } finally {
      await app.close();
    }
  });

  t('deleting every pii.unmask entry and recomputing the chain without the key fails', async (dir, url) => {
    const app = await open(dir, url);
    try {
      await someEntries(app);
      const keep = (await rows(app)).filter((r) => r.action !== 'pii.unmask');
      await rewriteChain(app, keep, legacyEntryHash);
      const v = await verifyAudit(app);
      assert.equal(v.ok, false);
      assert.deepEqual(v.problems.filter((p) => p.problem === 'altered').map((p) => p.seq), [1, 2, 3, 4]);
      assert.ok(v.problems.some((p) => p.problem === 'anchor_mismatch'));
      // the anchors gone as well: the keyed hashes alone still catch it
      rmSync(join(dir, 'audit.anchors'));
      assert.deepEqual((await verifyAudit(app)).problems.map((p) => p.problem), ['altered', 'altered', 'altered', 'altered']);
    } finally {
      await app.close();
    }
  });

  t('a chain rewritten under another key fails', async (dir, url) => {
    const app = await open(dir, url);
    try {
      await someEntries(app);
      const wrong = randomBytes(32);
      await rewriteChain(app, (await rows(app)).filter((r) => r.action !== 'pii.unmask'), (prev, r) => keyedEntryHash(wrong, prev, r));
      rmSync(join(dir, 'audit.anchors'));
      assert.deepEqual((await verifyAudit(app)).problems.map((p) => `${p.seq}:${p.problem}`), ['1:altered', '2:altered', '3:altered', '4:altered']);
    } finally {
      await app.close();
    }
  });

  t('appends from several processes at once form one unbroken chain', async (dir, url) => {
    await (await open(dir, url)).close();
    const writer = join(import.meta.dirname, 'privacy-audit-writer.ts');
    const env = { ...process.env, SIYU_DATA_DIR: dir, ...(url ? { SIYU_STATE_URL: url } : {}) };
    const codes = await Promise.all([0, 1, 2].map((i) => new Promise<number>((resolve) => {
      const p = spawn(process.execPath, ['--import', 'tsx', writer, `w${i}`, '15'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
      p.on('exit', (c) => resolve(c ?? 1));
    })));
    assert.deepEqual(codes, [0, 0, 0]);
    const app = await open(dir, url);
    try {
      // and concurrent callers in this process — on PostgreSQL through two pools, as two nodes would (the embedded
      // store keeps one connection per process)
      const other = url ? await open(dir, url) : app;
      await Promise.all([app, other].flatMap((a, i) => Array.from({ length: 10 }, (_, j) => a.audit({ actor: `a${i}`, action: 'pii.read', target: `customer:${j}` }))));
      if (other !== app) await other.close();
      assert.deepEqual(await verifyAudit(app), { ok: true, entries: 65, anchored: 65, problems: [] });
    } finally {
      await app.close();
    }
  });

  t('an entry appended inside a transaction that rolls back is never anchored; one that commits is', async (dir, url) => {
    const app = await open(dir, url);
    try {
      await auditPiiRead(app, { customerId: 1, fields: ['phone'] });
      await assert.rejects(app.state.transaction(async () => {
        await auditPiiRead(app, { customerId: 2, fields: ['phone'] });
        throw new Error('rolled back');
      }), /rolled back/);
      await app.state.transaction(async () => auditPiiRead(app, { customerId: 3, fields: ['phone'] }));
      await auditPiiRead(app, { customerId: 4, fields: ['phone'] });
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual((await rows(app)).map((r) => r.target), ['customer:1', 'customer:3', 'customer:4']);
      const anchored = readFileSync(join(dir, 'audit.anchors'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).seq).sort();
      assert.deepEqual(anchored, [1, 2, 3]);
      assert.deepEqual(await verifyAudit(app), { ok: true, entries: 3, anchored: 3, problems: [] });
    } finally {
      await app.close();
    }
  });
}

test('the keyring, the anchors and the data directory are private (0600 / 0700); the audit key is never in the store', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'siyu-audit-')), 'data');
  const app = await openApp({ dir });
  try {
    await auditPiiRead(app, { customerId: 1, fields: ['phone'] });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, 'keyring.json')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'audit.anchors')).mode & 0o777, 0o600);
    const key = JSON.parse(readFileSync(join(dir, 'keyring.json'), 'utf8')).audit.key as string;
    assert.equal(Buffer.from(key, 'base64').length, 32);
    const hex = Buffer.from(key, 'base64').toString('hex');
    assert.equal(readFileSync(join(dir, 'siyu-state.db')).includes(key) || readFileSync(join(dir, 'siyu-state.db')).includes(hex), false);
  } finally {
    await app.close();
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
});

test('a keyring made before the chain was keyed gets an audit key; the unkeyed entries before it still verify, and the switch is in the chain', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-audit-'));
  try {
    let app = await openApp({ dir, actor: 'tester' });
    await app.close();
    // the keyring as an older Siyu wrote it, and a chain of unkeyed entries as the old log hashed them
    const ring = JSON.parse(readFileSync(join(dir, 'keyring.json'), 'utf8'));
    delete ring.audit;
    writeFileSync(join(dir, 'keyring.json'), JSON.stringify(ring), { mode: 0o644 });
    const { loadKeys } = await import('../src/privacy/keyring.ts');
    const keys = loadKeys(join(dir, 'keyring.json'));
    assert.equal(keys.audit?.legacy, true);
    const saved = JSON.parse(readFileSync(join(dir, 'keyring.json'), 'utf8'));
    assert.equal(saved.audit.legacy, true);
    assert.equal(statSync(join(dir, 'keyring.json')).mode & 0o777, 0o600);
    app = await openApp({ dir, actor: 'tester' });
    const old: Row[] = [1, 2, 3].map((seq) => ({ seq, at: Date.UTC(2025, 0, seq, 8, 0, 0, 123), workspace_id: 1, actor: 'cli', action: 'pii.read', target: `customer:${seq}`, detail: '{"fields":["phone"]}', prev_hash: '', hash: '' }));
    await rewriteChain(app, old, legacyEntryHash);
    try {
      assert.equal((await verifyAudit(app)).ok, true);
      await auditPiiRead(app, { customerId: 9, fields: ['name'] });
      const r = await rows(app);
      assert.deepEqual(r.map((x) => [x.seq, x.action]), [[1, 'pii.read'], [2, 'pii.read'], [3, 'pii.read'], [4, 'audit.keyed'], [5, 'pii.read']]);
      assert.deepEqual(JSON.parse(r[3].detail!), { unkeyed_entries: 3 });
      assert.deepEqual(await verifyAudit(app), { ok: true, entries: 5, anchored: 1, problems: [] });
      // after the switch, an entry rehashed without the key is caught
      const fifth = { ...r[4], target: 'customer:10' };
      await app.state.run('update audit_log set target = $t, hash = $h where seq = 5', { t: fifth.target, h: legacyEntryHash(fifth.prev_hash, fifth) });
      await app.state.run('update audit_head set hash = $h where id = 1', { h: legacyEntryHash(fifth.prev_hash, fifth) });
      assert.deepEqual((await verifyAudit(app)).problems, [{ seq: 5, problem: 'altered' }, { seq: 5, problem: 'anchor_mismatch' }]);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIYU_AUDIT_ANCHOR_URL: every anchor is also posted to the external sink', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-audit-'));
  const got: { seq: number; hash: string; kind: string }[] = [];
  const sink = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push(JSON.parse(body));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const port = (sink.address() as { port: number }).port;
  process.env.SIYU_AUDIT_ANCHOR_URL = `http://127.0.0.1:${port}/anchors`;
  const app = await openApp({ dir });
  try {
    for (let i = 0; i < 3; i++) {
      await auditPiiRead(app, { customerId: i, fields: ['phone'] });
      await anchorsSent();
    }
    const r = await rows(app);
    assert.deepEqual(got.map((g) => [g.kind, g.seq, g.hash]), r.map((x) => ['siyu.audit.anchor', x.seq, x.hash]));
    process.env.SIYU_AUDIT_ANCHOR_URL = 'ftp://nowhere';
    const v = cli(dir, null, 'audit', 'verify');
    assert.equal(v.status, 1);
    assert.match(v.stderr, /SIYU_AUDIT_ANCHOR_URL must be an http/);
  } finally {
    delete process.env.SIYU_AUDIT_ANCHOR_URL;
    await app.close();
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit.anchors: an edited line is a failure; a line cut by a crash mid-write is not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-audit-'));
  const app = await openApp({ dir });
  try {
    await someEntries(app);
    const file = join(dir, 'audit.anchors');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}{"seq":7,"ha`);
    assert.equal((await verifyAudit(app)).ok, true);
    writeFileSync(file, text.replace(/\n/, '\nnot an anchor\n'));
    assert.deepEqual((await verifyAudit(app)).problems, [{ seq: 0, problem: 'anchors_unreadable' }]);
    assert.ok(existsSync(file));
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
