/**
 * harden #10: phones and e-mails typed into free text never reach either store in clear — an unmask reason, a DSR
 * note and channel, a consent's source and policy version, a rectified city — and the audit log keeps no clear PII.
 * The actions are taken as a user takes them (HTTP, CLI); then every text column of both stores is searched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openApp, type App } from '../src/app/context.ts';
import { buildServer } from '../src/server/app.ts';
import { authHeaders } from '../src/server/auth/testing.ts';
import { baseTables, stateTables, isText, quoteIdent } from '../src/privacy/dsr/person.ts';
import { maskText } from '../src/domain/privacy/mask.ts';
import { seedPeople } from './privacy-fixture.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');
const TYPED = ['13812345678', '13987654321', '13700001111', '13600002222', 'boss@brand.cn', 'xm@example.com', 'li.hua@qq.com'];

/** Every text column of both stores holding one of `values`: `store.table.column`. */
async function plaintextIn(app: App, values: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const t of await baseTables(app)) {
    for (const c of t.columns.filter((x) => isText(x.type))) {
      for (const v of values) {
        if (await app.warehouse.scalar(`select count(*) from ${quoteIdent(t.table)} where contains(${quoteIdent(c.name)}::varchar, $v)`, { v })) hits.push(`warehouse.${t.table}.${c.name}: ${v}`);
      }
    }
  }
  for (const t of await stateTables(app)) {
    for (const c of t.columns.filter((x) => isText(x.type))) {
      for (const v of values) {
        if (await app.state.scalar(`select count(*) from ${quoteIdent(t.table)} where ${quoteIdent(c.name)} like $v`, { v: `%${v}%` })) hits.push(`state.${t.table}.${c.name}: ${v}`);
      }
    }
  }
  return hits;
}

test('free text typed with phones and e-mails is stored masked in both stores; the audit log keeps no clear PII', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-freetext-'));
  try {
    let app = await openApp({ dir });
    await seedPeople(app);
    const server = await buildServer(app, { auth: true, announce: () => undefined });
    try {
      const owner = await authHeaders(app, 'owner');
      const u = await server.inject({ method: 'POST', url: '/api/v1/customers/1/unmask', headers: owner, payload: { fields: ['phone'], reason: '顾客来电 138 1234 5678，要求寄到 boss@brand.cn' } });
      assert.equal(u.statusCode, 200, u.body);
      const d = await server.inject({ method: 'POST', url: '/api/v1/dsr', headers: owner, payload: { customer_id: 2, kind: 'access', channel: 'tel 13700001111', note: '本人来电 +86 139-8765-4321 / li.hua@qq.com' } });
      assert.equal(d.statusCode, 201, d.body);
    } finally {
      await server.close();
      await app.close();
    }
    const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: dir }, encoding: 'utf8' });
    for (const args of [
      ['dsr', 'create', '--customer', '1', '--kind', 'erasure', '--note', '客户 xm@example.com 要求删除', '--channel', 'email xm@example.com'],
      ['dsr', 'rectify', '--customer', '1', '--field', 'city', '--value', '上海 13600002222'],
      ['consent', 'grant', '--customer', '2', '--purpose', 'marketing_email', '--source', '门店 13700001111', '--policy-version', 'v3 boss@brand.cn', '--evidence', 'form 13987654321'],
    ]) {
      const r = cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    }

    app = await openApp({ dir });
    try {
      assert.deepEqual(await plaintextIn(app, TYPED), []);
      // what is kept is the masked form, as an import keeps it
      const reason = await app.state.get<{ detail: string }>(`select detail from audit_log where action = 'pii.unmask'`);
      assert.equal(JSON.parse(reason!.detail).reason, '顾客来电 138****5678，要求寄到 b***@brand.cn');
      const notes = await app.state.all<{ note: string; channel: string }>('select note, channel from dsr_requests where note is not null order by id');
      assert.deepEqual(notes.map((n) => [n.channel, n.note]), [['tel 137****1111', '本人来电 139****4321 / l***@qq.com'], ['email x***@example.com', '客户 x***@example.com 要求删除']]);
      assert.equal((await app.warehouse.get<{ city: string }>(`select city from customers where id = 1`))!.city, '上海 136****2222');
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('maskText, the one contact scrub for free text at rest, masks as the import does and is idempotent', () => {
  assert.equal(maskText('call 13812345678 or +86 139 8765 4321, mail Bob.Li@tea.cn'), 'call 138****5678 or 139****4321, mail B***@tea.cn');
  assert.equal(maskText(maskText('13812345678 a@b.cn')), '138****5678 a***@b.cn');
  assert.equal(maskText('order 202511231381234567890, 138****5678'), 'order 202511231381234567890, 138****5678');
});
