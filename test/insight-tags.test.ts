import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp } from '../src/app/context.ts';
import { openState, openWarehouse } from '../src/store/open.ts';
import type { StateStore, Warehouse } from '../src/store/interfaces.ts';
import { buildServer } from '../src/server/app.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { saveTagDefinition, storedTags, tagExists } from '../src/insight/tagDefinitions.ts';
import { listTags, recomputeTags, refreshRuleTags } from '../src/insight/tags.ts';
import { checkRule } from '../src/domain/segments/tags.ts';
import { BUILTIN_TAGS } from '../src/domain/segments/tags.ts';
import { smallShop } from './insight/fixture.ts';
import { startPostgres, postgresMissing } from './support/postgres.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const siyu = (dir: string, ...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
const scratch = mkdtempSync(join(tmpdir(), 'siyu-insight-tags-'));
const pg = startPostgres();
after(() => {
  pg?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const engines: { name: string; url: () => string | null; skip: string | false }[] = [
  { name: 'sqlite', url: () => null, skip: false },
  { name: 'postgres', url: () => pg!.database(), skip: pg ? false : postgresMissing() ?? 'no PostgreSQL' },
];

for (const e of engines) {
  test(`${e.name}: tag definitions live in the state store — upsert, built-ins, a refused rule stores nothing, a legacy warehouse definition moves once`, { skip: e.skip }, async () => {
    const file = join(scratch, `${e.name}-${Math.random().toString(36).slice(2)}`);
    const state: StateStore = await openState({ file: `${file}.db`, url: e.url() });
    const { warehouse }: { warehouse: Warehouse } = await openWarehouse(`${file}.duckdb`);
    const stores = { state, warehouse, workspaceId: 1 };
    try {
      await warehouse.run(`insert into tag_definitions (workspace_id, name, kind, rule, description) values (1, '老规则', 'rule', '{"all":[{"field":"orders","op":">=","value":3}]}', 'from before the move')`);
      await saveTagDefinition(stores, '常客', { all: [{ field: 'orders', op: '>=', value: '2' }] }, 'two orders or more');
      await saveTagDefinition(stores, '常客', { all: [{ field: 'orders', op: '>=', value: 3 }] }, 'three or more');
      await assert.rejects(saveTagDefinition(stores, '坏', { all: [{ field: 'gmv', op: '>=', value: '1 or 1=1' }] }), /gmv\) takes a number/);
      const tags = await storedTags(stores);
      assert.deepEqual(tags.map((t) => t.name).sort(), [...BUILTIN_TAGS.map((t) => t.name), '常客', '老规则'].sort());
      const regular = tags.find((t) => t.name === '常客')!;
      assert.deepEqual([regular.kind, regular.rule, regular.description], ['rule', { all: [{ field: 'orders', op: '>=', value: 3 }] }, 'three or more']);
      assert.ok(regular.updated_at > Date.now() - 60_000 && regular.updated_at <= Date.now(), 'instants are epoch ms');
      assert.equal(await state.scalar(`select count(*) from tag_definitions where name = '坏'`), 0);
      assert.equal(await warehouse.scalar('select count(*) from tag_definitions'), 0, 'the legacy row left the warehouse');
      assert.deepEqual(tags.find((t) => t.name === '老规则')!.rule, { all: [{ field: 'orders', op: '>=', value: 3 }] });
      assert.equal(await tagExists(stores, '常客'), true);
      assert.equal(await tagExists(stores, '没有'), false);
    } finally {
      warehouse.close();
      await state.close();
    }
  });
}

test('a rule value is checked against its field: numbers for numeric fields, text and =/!=/in for text, gender, shares, categories', () => {
  const bad: [unknown, RegExp][] = [
    [{ all: [{ field: 'gmv', op: '>=', value: '1 or 1=1' }] }, /gmv\) takes a number, not "1 or 1=1"/],
    [{ all: [{ field: 'spend_12m', op: 'in', value: [100, 'x'] }] }, /takes a number/],
    [{ all: [{ field: 'discount_share', op: '>=', value: 50 }] }, /share from 0 to 1/],
    [{ all: [{ field: 'category_share', op: '>=', value: 0.3 }] }, /needs its category/],
    [{ all: [{ field: 'city', op: '>=', value: '上海' }] }, /compare it with =, != or in/],
    [{ all: [{ field: 'city', op: '=', value: 3 }] }, /takes text/],
    [{ any: [{ field: 'gender', op: '=', value: 'm' }] }, /male, female, unknown/],
    [{ all: [{ field: 'orders', op: '>=', value: [1, 2] }] }, /use in for a list/],
    [{ all: [{ field: 'orders', op: 'in', value: [] }] }, /at least one value/],
    [{ all: [{ field: 'password', op: '=', value: 1 }] }, /not valid/],
  ];
  for (const [rule, why] of bad) {
    const r = checkRule(rule);
    assert.ok('problem' in r, JSON.stringify(rule));
    assert.match(r.problem.en, why);
    assert.ok(r.problem.zh.length > 0);
  }
  const ok = checkRule({ all: [{ field: 'gmv', op: '>=', value: ' 2000 ' }, { field: 'city', op: 'in', value: ['上海', '杭州'] }, { field: 'category_share', category: '母婴', op: '>=', value: 0.3 }] });
  assert.ok('rule' in ok);
  assert.deepEqual(ok.rule, { all: [{ field: 'gmv', op: '>=', value: 2000 }, { field: 'city', op: 'in', value: ['上海', '杭州'] }, { field: 'category_share', category: '母婴', op: '>=', value: 0.3 }] });
});

test('siyu tags define refuses a rule whose value does not fit its field, and tags recompute keeps working (a bad rule stored before the check is left out, named)', async () => {
  const dir = mkdtempSync(join(scratch, 'cli-'));
  const app = await openApp({ dir });
  await smallShop(app);
  await app.close();
  const bad = siyu(dir, 'tags', 'define', '坏', '--rule', '{"all":[{"field":"gmv","op":">=","value":"1 or 1=1"}]}');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /condition 1 \(gmv\) takes a number/);
  assert.match(bad.stderr, /需要数字/);
  assert.doesNotMatch(bad.stderr, /at .*\.ts:/, 'no stack trace');
  const good = siyu(dir, 'tags', 'define', '大单', '--rule', '{"all":[{"field":"gmv","op":">=","value":"150"}]}');
  assert.equal(good.status, 0, good.stderr);
  // a rule written before the check existed
  const a = await openApp({ dir });
  await a.state.run(`insert into tag_definitions (workspace_id, name, kind, rule, created_at, updated_at) values (1, '旧坏', 'rule', '{"all":[{"field":"gmv","op":">=","value":"1 or 1=1"}]}', 1, 1)`);
  await a.close();
  const r = siyu(dir, 'tags', 'recompute', '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.tags['大单'], 2, 'customers 1 (180) and 2 (200)');
  assert.deepEqual(out.skipped.map((s: { name: string }) => s.name), ['旧坏']);
});

test('GET /api/v1/insight/tags answers an array; refreshRuleTags computes rule tags without a recompute and is a no-op when nothing changed', async () => {
  const dir = mkdtempSync(join(scratch, 'api-'));
  const app = await openApp({ dir });
  const server = await buildServer(app);
  try {
    await smallShop(app);
    await saveTagDefinition(app, '杭州客', { all: [{ field: 'city', op: '=', value: '杭州' }] });
    const first = await refreshRuleTags(app);
    assert.equal(first?.tags['杭州客'], 4, 'computed at the first load, without siyu tags recompute');
    assert.equal(await refreshRuleTags(app), null, 'nothing changed: nothing done');
    // a collection load identifies a customer and sets their city
    await app.warehouse.run(`update customers set city = '杭州', updated_at = current_timestamp where id = 3`);
    const next = await refreshRuleTags(app);
    assert.deepEqual([next?.mode, next?.customers_in_scope, next?.tags['杭州客']], ['incremental', 1, 5]);
    const res = await server.inject({ method: 'GET', url: '/api/v1/insight/tags', headers: await authHeaders(app, 'analyst') });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.ok(Array.isArray(body), `an array, not ${res.body.slice(0, 40)}`);
    assert.deepEqual(body.find((t: { name: string }) => t.name === '杭州客'), { name: '杭州客', kind: 'rule', rule: { all: [{ field: 'city', op: '=', value: '杭州' }] }, description: null, customers: 5 });
    assert.equal((await listTags(app)).length, body.length);
    assert.equal((await recomputeTags(app)).customers_in_scope, 0);
  } finally {
    await server.close();
    await app.close();
  }
});
