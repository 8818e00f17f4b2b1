import { seedConsents, clearConsents, type SeedConsent } from './support/consents.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { PURPOSES, canUse, type ConsentEntry, type ConsentSubject, type Purpose } from '../src/domain/privacy/consent.ts';
import { recordConsent } from '../src/privacy/consentLedger.ts';
import { consentFilter, filterPermitted, sendable, shareable, recommendationModeFor, storeToday, canUseCustomer } from '../src/privacy/policy.ts';

/** mulberry32: a small seeded PRNG so a failing case can be replayed. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random customers (some restricted, erased, flagged minors, born close to their 14th birthday) and ledgers. */
async function randomPool(app: App, seed: number, n: number, today: string): Promise<void> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  await clearConsents(app);
  await app.warehouse.run('delete from customers');
  const y = Number(today.slice(0, 4));
  const md = today.slice(5);
  const customers: string[] = [];
  const consents: SeedConsent[] = [];
  for (let c = 1; c <= n; c++) {
    const status = pick(['active', 'active', 'active', 'active', 'restricted', 'erased']);
    const kind = r();
    const birthYear = kind < 0.15 ? y - 14 : kind < 0.25 ? y - 13 : kind < 0.3 ? y - 15 : kind < 0.7 ? 1960 + Math.floor(r() * 45) : null;
    const birthMd = birthYear === null || r() < 0.2 ? null : pick([md, '01-01', '12-31', '06-15', md]);
    customers.push(`(1, ${c}, '${status}', ${r() < 0.05}, ${birthYear ?? 'null'}, ${birthMd ? `'${birthMd}'` : 'null'})`);
    const k = Math.floor(r() * 8);
    for (let j = 0; j < k; j++) {
      const day = 1 + Math.floor(r() * 3);   // few distinct days: ties on time, decided by id
      consents.push({ customerId: c, purpose: pick(PURPOSES), status: pick(['granted', 'granted', 'withdrawn'] as const), changedAt: `2025-01-0${day} 10:00:00` });
    }
  }
  await app.warehouse.run(`insert into customers (workspace_id, id, status, is_minor, birth_year, birth_md) values ${customers.join(',')}`);
  await seedConsents(app, consents);
}

/** Every customer's subject in two queries (the test's own reading of the ledger, independent of the SQL macro). */
async function allSubjects(app: App): Promise<Map<number, ConsentSubject>> {
  const out = new Map<number, ConsentSubject>();
  for (const c of await app.warehouse.all<{ id: number; status: string; is_minor: boolean; birth_year: number | null; birth_md: string | null }>('select id, status, is_minor, birth_year, birth_md from customers')) {
    out.set(Number(c.id), { status: c.status, isMinor: c.is_minor, birthYear: c.birth_year, birthMd: c.birth_md, consents: [] });
  }
  for (const r of await app.warehouse.all<{ id: number; customer_id: number; purpose: string; status: 'granted' | 'withdrawn'; at: string }>(`select id, customer_id, purpose, status, strftime(changed_at, '%Y-%m-%dT%H:%M:%S.%gZ') as at from consents`)) {
    out.get(Number(r.customer_id))!.consents.push({ purpose: r.purpose, status: r.status, changedAt: r.at, id: Number(r.id) } satisfies ConsentEntry);
  }
  return out;
}

test('property: the SQL policy and canUse agree, and no export, send, share or personalised recommendation includes a customer without the needed consent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-consent-'));
  const app = await openApp({ dir });
  try {
    const today = await storeToday(app);
    for (const seed of [1, 2, 3, 4]) {
      await randomPool(app, seed, 250, today);
      const ids = Array.from({ length: 250 }, (_, i) => i + 1);
      const subjects = await allSubjects(app);
      const permittedBy = (p: Purpose) => new Set(ids.filter((i) => canUse(p, subjects.get(i)!, today).allowed));
      for (const p of PURPOSES) {
        const want = permittedBy(p);
        const { sql, params } = consentFilter(p, 'c.id');
        const viaSql = (await app.warehouse.all<{ id: number }>(`select c.id from customers c where c.workspace_id = $ws and ${sql} order by c.id`, { ws: 1, ...params })).map((x) => Number(x.id));
        assert.deepEqual(viaSql, [...want].sort((a, b) => a - b), `seed ${seed} purpose ${p}`);
        const f = await filterPermitted(app, p, ids);
        assert.deepEqual(f.allowed, viaSql);
        assert.equal(f.excluded, ids.length - want.size);
      }
      // use points
      for (const ch of ['sms', 'email', 'wecom', 'push']) {
        const s = await sendable(app, ch, ids);
        for (const i of s.allowed) {
          const sub = subjects.get(i)!;
          assert.equal(sub.status, 'active');
          assert.ok(canUse(`marketing_${ch}` as Purpose, sub, today).allowed, `send ${ch} to ${i}`);
        }
      }
      for (const i of (await shareable(app, ids)).allowed) assert.ok(canUse('third_party', subjects.get(i)!, today).allowed);
      const personalised = permittedBy('personalisation');
      for (const i of ids.slice(0, 25)) {
        assert.equal(await recommendationModeFor(app, i), personalised.has(i) ? 'personalised' : 'non_personalised', `recommend ${i}`);
      }
    }
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('given a customer who granted SMS, withdrawal takes effect at once; a child needs the guardian too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-consent-'));
  const app = await openApp({ dir });
  try {
    const today = await storeToday(app);
    const y = Number(today.slice(0, 4));
    await app.warehouse.run(`insert into customers (workspace_id, id, status, birth_year, birth_md) values (1, 1, 'active', 1990, '05-01'), (1, 2, 'active', ${y - 10}, '01-01')`);
    await recordConsent(app, { customerId: 1, purpose: 'marketing_sms', status: 'granted', source: 'mini_program', evidence: 'form 7, tel 13812345678', policyVersion: '2025.1' });
    assert.deepEqual(await canUseCustomer(app, 'marketing_sms', 1), { allowed: true, reason: 'granted' });
    await recordConsent(app, { customerId: 1, purpose: 'marketing_sms', status: 'withdrawn', source: 'sms_reply' });
    assert.deepEqual(await canUseCustomer(app, 'marketing_sms', 1), { allowed: false, reason: 'withdrawn' });
    assert.deepEqual((await sendable(app, 'sms', [1])).allowed, []);
    // no plaintext phone in the stored evidence
    assert.equal(await app.warehouse.scalar(`select count(*) from consents where evidence like '%13812345678%'`), 0);
    // the child
    await recordConsent(app, { customerId: 2, purpose: 'marketing_wecom', status: 'granted', source: 'store' });
    assert.deepEqual(await canUseCustomer(app, 'marketing_wecom', 2), { allowed: false, reason: 'minor_without_guardian' });
    await recordConsent(app, { customerId: 2, purpose: 'guardian', status: 'granted', source: 'store', evidence: 'guardian form 12' });
    assert.deepEqual(await canUseCustomer(app, 'marketing_wecom', 2), { allowed: true, reason: 'granted' });
    // analytics: allowed until withdrawn
    assert.deepEqual(await canUseCustomer(app, 'analytics', 1), { allowed: true, reason: 'not_withdrawn' });
    assert.equal(await app.state.scalar(`select count(*) from audit_log where action = 'consent.change'`), 4);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
test('siyu consent grant|withdraw|show|check', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-consent-'));
  try {
    const app = await openApp({ dir });
    await app.warehouse.run(`insert into customers (workspace_id, id, status) values (1, 7, 'active')`);
    app.close();
    const run = (...a: string[]) => spawnSync(process.execPath, [bin, ...a], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
    assert.equal(run('consent', 'grant', '--customer', '7', '--purpose', 'marketing_email', '--source', 'web', '--policy-version', 'v3').status, 0);
    assert.equal(run('consent', 'withdraw', '--customer', '7', '--purpose', 'marketing_email', '--source', 'email_link').status, 0);
    const show = JSON.parse(run('consent', 'show', '--customer', '7', '--json').stdout);
    assert.deepEqual(show.history.map((h: { status: string }) => h.status), ['granted', 'withdrawn']);
    assert.equal(show.current.marketing_email.allowed, false);
    const bad = run('consent', 'grant', '--customer', '7', '--purpose', 'spam');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /Unknown purpose/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
