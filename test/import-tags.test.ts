import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

function siyu(store: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: store }, encoding: 'utf8' });
}

function ok(store: string, ...args: string[]) {
  const r = siyu(store, ...args);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// 有赞 标签 went into hidden traits; `--segment` with a name no tag has gave zeros; rule tags showed 0 until
// `siyu tags recompute`.
test('given a 有赞 customers export with 标签 and orders, then its tags are segments, an unknown segment is an error, and rule tags are current after each import without a recompute', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-imptags-'));
  const store = join(dir, 'store');
  try {
    ok(store, 'tags', 'define', '常客', '--rule', JSON.stringify({ all: [{ field: 'orders', op: '>=', value: 2 }] }));
    const yz = '客户姓名,客户手机号,客户生日,客户性别,标签,是否会员,成为客户时间,来源渠道,\n'
      + '安妮,13800000001,1992-07-08,女,"绿茶控,高复购",是,2024-01-01 10:00:00,微信小程序,\n'
      + '李雷,13800000002,,男,绿茶控,是,2024-01-02 10:00:00,有赞后台,\n'
      + '韩梅,13800000003,,女,,否,2024-01-03 10:00:00,有赞后台,\n';
    writeFileSync(join(dir, 'youzan-customers.csv'), yz);
    const c = JSON.parse(ok(store, 'import', 'customers', join(dir, 'youzan-customers.csv'), '--map', 'youzan-customers', '--json'));
    assert.deepEqual([c.imported, c.rejected], [3, 0]);
    writeFileSync(join(dir, 'orders.csv'), 'order_id,phone,ordered_at,gross_amount\nO1,13800000001,2024-02-01,100\nO2,13800000001,2024-02-10,50\nO3,13800000002,2024-02-11,30\nO4,13800000003,2024-02-12,20\n');
    ok(store, 'import', 'orders', join(dir, 'orders.csv'));

    const kpi = (segment: string) => JSON.parse(ok(store, 'insight', 'kpi', '--segment', segment, '--json'));
    assert.equal(kpi('绿茶控').customers, 2);
    assert.deepEqual([kpi('高复购').customers, kpi('高复购').gmv], [1, 150]);
    // The rule tag, with no `siyu tags recompute`: the one customer with two orders.
    assert.equal(kpi('常客').customers, 1);

    const unknown = siyu(store, 'insight', 'rfm', '--segment', '绿茶空', '--json');
    assert.equal(unknown.status, 1, unknown.stdout);
    assert.match(unknown.stderr, /No tag or segment is named '绿茶空'; there are: .*绿茶控/);
    const cohort = siyu(store, 'insight', 'cohort', '--segment', 'nope');
    assert.equal(cohort.status, 1);
    assert.match(cohort.stderr, /unknown|No tag or segment is named 'nope'/);

    // The same file again adds nothing; a new tag on a stored customer is an update.
    assert.deepEqual((({ imported, updated, unchanged }) => [imported, updated, unchanged])(JSON.parse(ok(store, 'import', 'customers', join(dir, 'youzan-customers.csv'), '--map', 'youzan-customers', '--json'))), [0, 0, 3]);
    writeFileSync(join(dir, 'more.csv'), yz.replace('"绿茶控,高复购"', '"绿茶控,高复购,会员日"'));
    assert.deepEqual((({ imported, updated, unchanged }) => [imported, updated, unchanged])(JSON.parse(ok(store, 'import', 'customers', join(dir, 'more.csv'), '--map', 'youzan-customers', '--json'))), [0, 1, 2]);
    assert.equal(kpi('会员日').customers, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
