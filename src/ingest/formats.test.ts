import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { openApp } from '../app/context.ts';
import { importFiles } from './index.ts';
import { decrypt } from '../domain/privacy/cipher.ts';

const HEAD = ['member_no', 'phone', 'name', 'gender', 'birthday', 'province', 'city', 'registered_at'];
const ROWS = [
  ['M001', '13812345678', '张三', '男', '1990年3月5日', '上海', '上海市', '2024/3/5 14:03'],
  ['M002', '+86 139-0000-1111', '李四', 'F', '1985-12-01', '广东省', 'Shenzhen', '2024-03-06 09:00:00'],
  ['M003', '', '王五', '未知', '', '浙江', '杭州', '45356.5'],
];
const csv = (sep: string) => [HEAD, ...ROWS].map((r) => r.join(sep)).join('\r\n') + '\r\n';

/** One customers table, written the ways exports arrive; each must import to the very same customers. */
async function writeAll(dir: string): Promise<Record<string, string>> {
  const f = (n: string) => join(dir, n);
  writeFileSync(f('utf8-bom.csv'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv(','), 'utf8')]));
  writeFileSync(f('gbk.csv'), iconv.encode(csv(','), 'gbk'));
  writeFileSync(f('utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(csv('\t'), 'utf16le')]));
  writeFileSync(f('semicolon.csv'), csv(';'));
  writeFileSync(f('rows.jsonl'), ROWS.map((r) => JSON.stringify(Object.fromEntries(HEAD.map((h, i) => [h, r[i] || null])))).join('\n') + '\n');
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('说明').addRow(['导出说明']);
  const ws = wb.addWorksheet('客户');
  ws.addRow(HEAD);
  for (const r of ROWS) ws.addRow(r.map((v, i) => (HEAD[i] === 'registered_at' && v === '45356.5' ? 45356.5 : HEAD[i] === 'birthday' && v === '1985-12-01' ? new Date(Date.UTC(1985, 11, 1)) : v)));
  await wb.xlsx.writeFile(f('customers.xlsx'));
  return { bom: f('utf8-bom.csv'), gbk: f('gbk.csv'), utf16: f('utf16.txt'), semicolon: f('semicolon.csv'), jsonl: f('rows.jsonl'), xlsx: f('customers.xlsx') };
}

test('customers written as UTF-8 BOM, GBK, UTF-16 tab text, semicolons, JSONL, XLSX and Parquet import to the same three customers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-fmt-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    const files = await writeAll(dir);
    const parquet = join(dir, 'rows.parquet');
    await app.warehouse.run(`copy (select * from read_csv($f, all_varchar = true)) to '${parquet}' (format parquet)`, { f: files.semicolon.replace('semicolon', 'utf8-bom') });
    const order = [files.bom, files.gbk, files.utf16, files.semicolon, files.jsonl, files.xlsx, parquet];
    const seen: string[] = [];
    for (const [i, file] of order.entries()) {
      const s = await importFiles(app, { entity: 'customers', files: [file], sheet: file.endsWith('.xlsx') ? '客户' : undefined });
      seen.push(`${s.files[0].format}/${s.files[0].encoding}`);
      assert.equal(s.rejected, 0, `${file}: ${JSON.stringify(s.files[0].reasons)}`);
      assert.equal(s.rows, 3, file);
      assert.equal(s.identity.customersCreated, i === 0 ? 3 : 0, `${file} re-resolves to the same people`);
      const rows = await app.warehouse.all<{ gender: string; province: string; city: string; city_tier: string; name_cipher: string; name_masked: string; birth_md: string | null; registered_at: string }>(
        `select c.gender, c.province, c.city, c.city_tier, c.name_cipher, c.name_masked, c.birth_md, c.registered_at from customers c order by c.id`);
      assert.deepEqual(rows.map((r) => [r.gender, r.province, r.city, r.city_tier, r.name_masked, r.birth_md]), [
        ['male', '上海市', '上海市', '1', '张*', '03-05'],
        ['female', '广东省', '深圳市', '1', '李*', '12-01'],
        ['unknown', '浙江省', '杭州市', 'new1', '王*', null],
      ], file);
      assert.deepEqual(rows.map((r) => decrypt(app.keys, r.name_cipher)), ['张三', '李四', '王五'], file);
      assert.deepEqual(rows.map((r) => r.registered_at), ['2024-03-05T06:03:00.000Z', '2024-03-06T01:00:00.000Z', '2024-03-05T04:00:00.000Z'], file);
    }
    assert.deepEqual(seen, ['csv/utf8', 'csv/gb18030', 'csv/utf16le', 'csv/utf8', 'jsonl/utf8', 'xlsx/xlsx:客户', 'parquet/parquet']);
    assert.equal(await app.warehouse.scalar(`select count(*) from customer_identifiers`), 5);
    const leaked = await app.warehouse.scalar(`select count(*) from customer_identifiers where id_cipher like '%1381234%' or id_masked like '%12345678%'`);
    assert.equal(leaked, 0);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
