import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../src/app/context.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

function importJson(store: string, entity: string, file: string, map?: string) {
  const r = spawnSync(process.execPath, [bin, 'import', entity, file, ...(map ? ['--map', map] : []), '--json'], { env: { ...process.env, SIYU_DATA_DIR: store }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// A 有赞 customer whose only phone is masked (186******05) and a WeCom contact without a phone were rejected outright.
test('given people whom no usable identifier names (a masked phone, no phone), then each is imported as a customer of their own, counted in the summary, never merged, and the same file again changes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-unnamed-'));
  const store = join(dir, 'store');
  try {
    const yz = '客户姓名,客户手机号,客户生日,客户性别,标签,是否会员,成为客户时间,来源渠道,\n'
      + '安妮,13800000002,1992-07-08,女,,是,2024-01-01 10:00:00,微信小程序,\n'
      + '匿名,186******05,,其他,,否,2024-01-02 10:00:00,有赞后台,\n'
      + '匿名,139******12,,其他,,否,2024-01-02 10:00:00,有赞后台,\n'
      + '无名,,,其他,,否,2024-01-03 10:00:00,有赞后台,\n';
    writeFileSync(join(dir, 'yz.csv'), yz);
    const s = importJson(store, 'customers', join(dir, 'yz.csv'), 'youzan-customers');
    assert.deepEqual([s.rows, s.imported, s.rejected, s.identity.customersCreated, s.identity.unidentified, s.files[0].unidentified, s.identity.maskedIdentifiers], [4, 4, 0, 4, 3, 3, 2]);
    const again = importJson(store, 'customers', join(dir, 'yz.csv'), 'youzan-customers');
    assert.deepEqual([again.imported, again.updated, again.unchanged, again.identity.customersCreated], [0, 0, 4, 0]);

    // The WeCom 客户列表: a contact with a phone, one without (the same guide), one without for another guide.
    writeFileSync(join(dir, 'wecom.csv'), '客户名称,添加人,添加人账号,添加时间,来源,手机\n安妮,王芳,G01,2024-02-01 09:00:00,扫码,13800000002\n客户甲,王芳,G01,2024-02-02 09:00:00,扫码,\n客户乙,陈晨,G02,2024-02-03 09:00:00,搜索手机号,\n');
    const w = importJson(store, 'contacts', join(dir, 'wecom.csv'), 'wecom-contacts');
    assert.deepEqual([w.rows, w.imported, w.rejected, w.identity.customersCreated, w.identity.unidentified], [3, 3, 0, 2, 2]);
    assert.deepEqual([importJson(store, 'contacts', join(dir, 'wecom.csv'), 'wecom-contacts').unchanged, importJson(store, 'contacts', join(dir, 'wecom.csv'), 'wecom-contacts').identity.customersCreated], [3, 0]);

    // A consent names a person to hold it to: without an identifier it is still rejected.
    writeFileSync(join(dir, 'consents.csv'), 'phone,purpose,status,changed_at\n186******05,marketing_sms,granted,2024-03-01\n');
    const c = importJson(store, 'consents', join(dir, 'consents.csv'));
    assert.deepEqual([c.imported, c.rejected], [0, 1]);
    assert.match(Object.keys(c.files[0].reasons)[0], /identifiers: none usable/);

    const app = await openApp({ dir: store });
    try {
      assert.equal(await app.warehouse.scalar(`select count(*) from customers where status = 'active'`), 6);
      assert.equal(await app.warehouse.scalar(`select count(*) from identity_merges`), 0, 'never merged');
      assert.equal(await app.warehouse.scalar(`select count(*) from contact_ownership`), 3);
      const q = await app.warehouse.all(`select count(distinct customer_id) as n from customer_identifiers where namespace = 'import:row'`);
      assert.deepEqual(q, [{ n: 5 }]);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
