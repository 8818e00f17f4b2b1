import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'siyu.mjs');

function siyu(store: string, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, SIYU_DATA_DIR: store }, encoding: 'utf8', cwd: root });
}

// Each message below was misleading before: "binary data", "Map them with --map" (with --map given), unknown option
// without a hint, every row of the repo's own POS example rejected, "internal error: LU matrix is singular".
test('given the mistakes a new user makes, then each error says what is wrong and what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-importerr-'));
  const store = join(dir, 'store');
  try {
    writeFileSync(join(dir, 'gbk.csv'), iconv.encode('会员号,手机,姓名\nM1,13800000001,张三\nM2,13800000002,李四\n', 'gbk'));
    const enc = siyu(store, 'import', 'customers', join(dir, 'gbk.csv'), '--encoding', 'utf8');
    assert.equal(enc.status, 1);
    assert.match(enc.stderr, /gbk\.csv is not UTF-8 text \(--encoding utf8\): it reads as GBK\/GB18030\. Import it with --encoding gbk, or leave --encoding out/);
    assert.doesNotMatch(enc.stderr, /binary/);

    writeFileSync(join(dir, 'youzan-customers.csv'), '客户姓名,客户手机号,客户生日,客户性别,标签\n安妮,13800000002,1992-07-08,女,x\n');
    const map = siyu(store, 'import', 'orders', join(dir, 'youzan-customers.csv'), '--map', 'youzan-orders');
    assert.equal(map.status, 1);
    assert.match(map.stderr, /does not fit the mapping 'youzan-orders': it has none of the headers the mapping reads order_id, ordered_at, gross_amount from \(order_id ← 订单号;/);
    assert.match(map.stderr, /Its headers look like a youzan-customers export \(customers\): siyu import customers .*youzan-customers\.csv --map youzan-customers\./);
    assert.doesNotMatch(map.stderr, /Map them with --map/);

    const option = siyu(store, 'import', 'customers', join(dir, 'youzan-customers.csv'), '--mapping', 'youzan-customers');
    assert.equal(option.status, 1);
    assert.match(option.stderr, /siyu import has no option --mapping: did you mean --map\? \(siyu import customers .* --map youzan-customers\)/);

    const pos = JSON.parse(siyu(store, 'import', 'orders', 'docs/examples/pos-sales.csv', '--map', 'pos-orders', '--json').stdout);
    assert.deepEqual([pos.rows, pos.imported, pos.rejected], [4, 4, 0], JSON.stringify(pos.files[0].reasons));

    const fit = siyu(store, 'model', 'fit', 'bgnbd');
    assert.equal(fit.status, 1, fit.stderr);
    assert.match(fit.stderr, /BG\/NBD needs the purchases of at least 100 customers up to 2024-03-06, at least 20 of whom bought again on another day .*this store has 2 customers, 0 of them repeat buyers/);
    assert.doesNotMatch(fit.stderr, /internal error/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
