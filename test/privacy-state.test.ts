/**
 * The privacy tables on the state store, from the user's side (the CLI), on SQLite and on PostgreSQL: the request
 * register and retention policies; erasure across both stores; the subject copy (both stores, explained, no internal
 * columns) fulfilling an open request; DSR changes durable in the warehouse before the answer.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { decrypt, encrypt, keyedHash } from '../src/domain/privacy/cipher.ts';
import { personNeedles, tracePerson } from '../src/privacy/dsr/person.ts';
import { restrict, rectify } from '../src/privacy/dsr/rights.ts';
import { verifyAudit } from '../src/privacy/audit.ts';
import { PEOPLE, seedPeople } from './privacy-fixture.ts';
import { startPostgres, postgresMissing } from './support/postgres.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const pg = startPostgres();
after(() => pg?.stop());
const DAY = 86_400_000;

async function open(dir: string, url: string | null): Promise<App> {
  if (url) process.env.SIYU_STATE_URL = url;
  try {
    return await openApp({ dir });
  } finally {
    delete process.env.SIYU_STATE_URL;
  }
}

const engines = [
  { name: 'sqlite', url: () => null, skip: false as string | false },
  { name: 'postgres', url: () => pg!.database(), skip: pg ? false : (postgresMissing() ?? 'no PostgreSQL') },
];

for (const e of engines) {
  const t = (name: string, fn: (dir: string, url: string | null, cli: (...a: string[]) => ReturnType<typeof spawnSync>) => Promise<void>) =>
    test(`${e.name}: ${name}`, { skip: e.skip }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'siyu-pstate-'));
      const url = e.url();
      const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir, ...(url ? { SIYU_STATE_URL: url } : {}) }, encoding: 'utf8' });
      try {
        await fn(dir, url, cli);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

  t('requests and retention policies are kept in the state store; retention purges expired sessions and old closed requests there', async (dir, url, cli) => {
    let app = await open(dir, url);
    const now = Date.now();
    await app.state.run(`insert into sessions (token_hash, username, created_at, expires_at) values ('old', 'u', $a, $b), ('live', 'u', $a, $c)`, { a: now - 2 * DAY, b: now - DAY, c: now + DAY });
    await app.state.run(`insert into dsr_requests (workspace_id, customer_id, kind, status, received_at, due_at, completed_at) values
      (1, 5, 'access', 'done', $old, $old, $old), (1, 6, 'access', 'done', $recent, $recent, $recent)`, { old: now - 1200 * DAY, recent: now - 10 * DAY });
    await app.warehouse.run(`insert into events (workspace_id, event_id, type, occurred_at, event_date) values (1, 'e-old', 'page_view', now() - interval 800 day, current_date - 800), (1, 'e-new', 'page_view', now(), current_date)`);
    await app.close();

    const created = cli('dsr', 'create', '--customer', '7', '--kind', 'erasure', '--channel', 'phone', '--json');
    assert.equal(created.status, 0, String(created.stderr));
    const req = JSON.parse(String(created.stdout));
    assert.equal(req.kind, 'erasure');
    assert.equal(Date.parse(req.due_at) - Date.parse(req.received_at), 15 * DAY);
    assert.equal(cli('retention', 'set', 'raw_events', '365').status, 0);
    const policies = JSON.parse(String(cli('retention', 'list', '--json').stdout));
    assert.equal(policies.find((p: { data_class: string }) => p.data_class === 'raw_events').keep_days, 365);
    const run = cli('retention', 'run', '--json');
    assert.equal(run.status, 0, String(run.stderr));
    const purged = Object.fromEntries(JSON.parse(String(run.stdout)).map((r: { data_class: string; purged: number }) => [r.data_class, r.purged]));
    assert.deepEqual([purged.sessions, purged.dsr_requests, purged.raw_events], [1, 1, 1]);

    app = await open(dir, url);
    try {
      assert.deepEqual((await app.state.all<{ token_hash: string }>('select token_hash from sessions')).map((s) => s.token_hash), ['live']);
      assert.deepEqual((await app.state.all<{ customer_id: number }>('select customer_id from dsr_requests order by customer_id')).map((r) => Number(r.customer_id)), [6, 7]);
      assert.equal(await app.state.scalar(`select keep_days from retention_policies where data_class = 'raw_events'`), 365);
      assert.equal(await app.warehouse.scalar('select count(*) from dsr_requests'), 0);   // nothing in the warehouse's old table
      assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'retention.purge'`), 3);
      assert.equal((await verifyAudit(app)).ok, true);
    } finally {
      await app.close();
    }
  });

  t('siyu dsr erase removes the person from both stores: the state ledger loses their consents, the trace searches both', async (dir, url, cli) => {
    let app = await open(dir, url);
    await seedPeople(app);
    const needles = await personNeedles(app, [1, 3]);
    const before = await tracePerson(app, [1, 3], needles);
    assert.ok(before.some((x) => x.store === 'state' && x.table === 'consents' && x.column === 'subject_id'));
    await app.close();

    const r = cli('dsr', 'erase', '--customer', '1', '--json');
    assert.equal(r.status, 0, String(r.stderr));
    const out = JSON.parse(String(r.stdout));
    assert.deepEqual(out.remaining, []);
    assert.equal(out.deleted.consent_ledger, 1);

    app = await open(dir, url);
    try {
      assert.deepEqual(await tracePerson(app, [1, 3], needles), []);
      assert.deepEqual((await app.state.all<{ s: number }>('select subject_id as s from consents')).map((x) => Number(x.s)), [2]);
      // the register keeps the number only, as proof
      assert.deepEqual((await app.state.all<{ k: string; c: number; s: string }>('select kind as k, customer_id as c, status as s from dsr_requests')).map((x) => [x.k, Number(x.c), x.s]), [['erasure', 1, 'done']]);
      // a hash of the other person planted in a state table's free text is found there
      const h = keyedHash(app.keys, 'phone', PEOPLE[1].phone);
      await app.state.run(`insert into import_runs (workspace_id, id, entity, source, status, started_at) values (1, 'r1', 'customers', $s, 'done', 1)`, { s: `file-${h}.csv` });
      const theirs = await tracePerson(app, [2], await personNeedles(app, [2]));
      assert.ok(theirs.some((x) => x.store === 'state' && x.table === 'import_runs' && x.column === 'source'), JSON.stringify(theirs));
    } finally {
      await app.close();
    }
  });

  t('siyu dsr access fulfils the open access request; the bundle holds both stores, explains each file, and no internal column', async (dir, url, cli) => {
    const app = await open(dir, url);
    await seedPeople(app);
    await app.close();
    const opened = JSON.parse(String(cli('dsr', 'create', '--customer', '1', '--kind', 'access', '--channel', 'app', '--json').stdout));
    const out = join(dir, 'bundle');
    const r = cli('dsr', 'access', '--customer', '1', '--out', out, '--json');
    assert.equal(r.status, 0, String(r.stderr));
    const res = JSON.parse(String(r.stdout));
    assert.equal(res.request, opened.id);
    const reqs = JSON.parse(String(cli('dsr', 'list', '--json').stdout));
    assert.deepEqual(reqs.map((x: { id: number; kind: string; status: string }) => [x.id, x.kind, x.status]), [[opened.id, 'access', 'done']]);

    const files = readdirSync(out).sort();
    assert.ok(files.includes('README.md') && files.includes('consents.csv') && files.includes('dsr_requests.csv') && files.includes('orders.csv'), files.join(' '));
    assert.ok(!files.some((f) => f.startsWith('insight_customer') || f.startsWith('model_customer') || f.startsWith('audit')), files.join(' '));
    assert.equal(statSync(out).mode & 0o777, 0o700);
    for (const f of files) {
      assert.equal(statSync(join(out, f)).mode & 0o777, 0o600, f);
      assert.ok(!readFileSync(join(out, f), 'utf8').includes('workspace_id'), `${f} holds workspace_id`);
    }
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    for (const f of files.filter((x) => x.endsWith('.csv'))) assert.ok(readme.includes(`\`${f}\``), `README does not explain ${f}`);
    assert.match(readme, /个人信息副本/);
    assert.match(readme, /Copy of your personal information/);
    assert.match(readme, /您每一次同意或撤回同意的记录/);
    const subject = JSON.parse(readFileSync(join(out, 'subject.json'), 'utf8'));
    assert.deepEqual(subject.tables.consents.map((c: { purpose: string; status: string; subject_id: number }) => [c.purpose, c.status, c.subject_id]), [['marketing_sms', 'granted', 1]]);
    assert.match(subject.tables.consents[0].changed_at, /^\d{4}-\d\d-\d\dT/);
    assert.match(readFileSync(join(out, 'customer_identifiers.csv'), 'utf8'), /'\+8613812345678/);   // not a formula to a spreadsheet
  });

  t('siyu keys rotate re-encrypts the state store\'s ciphertexts too (a write key stays readable after the old key is retired)', async (dir, url, cli) => {
    let app = await open(dir, url);
    await app.state.run(`insert into collect_sources (workspace_id, name, write_key_sha256, write_key_cipher, write_key_masked, created_at) values (1, 'web', 'h', $c, 'wk_***', 1)`, { c: encrypt(app.keys, 'wk_secret') });
    const old = app.keys.activeKeyId;
    await app.close();
    const r = cli('keys', 'rotate', '--json');
    assert.equal(r.status, 0, String(r.stderr));
    const out = JSON.parse(String(r.stdout));
    assert.deepEqual(out.retired, [old]);
    assert.deepEqual(out.columns.filter((c: { reencrypted: number }) => c.reencrypted), [{ table: 'collect_sources', column: 'write_key_cipher', reencrypted: 1 }]);
    app = await open(dir, url);
    try {
      const c = (await app.state.get<{ c: string }>('select write_key_cipher as c from collect_sources'))!.c;
      assert.ok(c.startsWith(`${out.newKey}:`));
      assert.equal(decrypt(app.keys, c), 'wk_secret');
    } finally {
      await app.close();
    }
  });

  t('a DSR change is durable in the warehouse before the answer (checkpointed: its log is never replayed)', async (dir, url) => {
    const app = await open(dir, url);
    try {
      await seedPeople(app);
      await app.warehouse.checkpoint();
      const wal = join(dir, 'siyu.duckdb.wal');
      const walBytes = () => (existsSync(wal) ? statSync(wal).size : 0);
      await restrict(app, 2);
      assert.equal(walBytes(), 0, 'restrict left its change in the log');
      await rectify(app, 2, 'city', '杭州');
      assert.equal(walBytes(), 0, 'rectify left its change in the log');
    } finally {
      await app.close();
    }
  });
}
