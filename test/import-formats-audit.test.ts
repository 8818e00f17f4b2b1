import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { openApp, type App } from '../src/app/context.ts';
import { importFiles, type ImportSummary } from '../src/ingest/index.ts';
import { decrypt } from '../src/domain/privacy/cipher.ts';
import { isUserError } from '../src/errors.ts';
import { cellText } from '../src/ingest/read/xlsx.ts';

/*
 * Issue #3, files: every encoding and container a brand's exports arrive in round-trips to the same people, and a
 * damaged, cut or fuzzed file gives a clear reason per line (file, line, column) without losing a good row.
 */

const root = join(import.meta.dirname, '..');
const HEAD = ['member_no', 'phone', 'name', 'gender', 'province'];
const PEOPLE = [
  ['M001', '13800138000', '〇小明', '男', '上海'],
  ['M002', '13900139000', '𠀀丽', '女', '广东'],
  ['M003', '13700137000', '王五', '男', '浙江'],
];
const table = (rows: string[][], sep = ',', eol = '\r\n') => rows.map((r) => r.join(sep)).join(eol) + eol;

async function withStore(fn: (app: App, dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-fmt-audit-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    await fn(app, dir);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const importCustomers = (app: App, file: string, more: { sheet?: string; encoding?: 'gbk' } = {}) => importFiles(app, { entity: 'customers', files: [file], ...more });

/** The customers as [member_no, phone, name], decrypted, in id order. */
async function people(app: App): Promise<string[][]> {
  const ids = await app.warehouse.all<{ customer_id: number; id_type: string; id_cipher: string }>(`select customer_id, id_type, id_cipher from customer_identifiers order by customer_id, id_type`);
  const names = await app.warehouse.all<{ id: number; name_cipher: string | null }>(`select id, name_cipher from customers order by id`);
  return names.map((c) => {
    const of = (t: string) => ids.filter((i) => i.customer_id === c.id && i.id_type === t).map((i) => decrypt(app.keys, i.id_cipher))[0] ?? '';
    return [of('member_no'), of('phone'), c.name_cipher ? decrypt(app.keys, c.name_cipher) : ''];
  });
}

/** The quarantine CSV of a one-file summary as [line, column, reason] rows. */
function quarantine(s: ImportSummary): string[][] {
  const path = s.files[0].quarantine;
  if (!path) return [];
  const rows = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  return rows.map((r) => [r.line, r.column, r.reason]);
}

/** rows, rows that changed the store (new or updated), unchanged, rejected. */
const counts = (s: ImportSummary) => [s.rows, s.imported + s.updated, s.unchanged, s.rejected];
const EXPECTED = [['M001', '+8613800138000', '〇小明'], ['M002', '+8613900139000', '𠀀丽'], ['M003', '+8613700137000', '王五']];

test('GB18030-only characters (〇, 𠀀), UTF-16BE with BOM, UTF-16LE without BOM and a gzipped CSV round-trip to the same people', async () => {
  await withStore(async (app, dir) => {
    const files: Record<string, Buffer> = {
      'gb18030.csv': iconv.encode(table([HEAD, ...PEOPLE]), 'gb18030'),
      'utf16be.txt': Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(table([HEAD, ...PEOPLE], '\t'), 'utf16be')]),
      'utf16le-nobom.txt': iconv.encode(table([HEAD, ...PEOPLE], '\t'), 'utf16le'),
      'export.csv.gz': gzipSync(Buffer.from('\uFEFF' + table([HEAD, ...PEOPLE], ';'))),
    };
    const seen: string[] = [];
    for (const [name, bytes] of Object.entries(files)) {
      writeFileSync(join(dir, name), bytes);
      const s = await importCustomers(app, join(dir, name));
      seen.push(`${s.files[0].format}/${s.files[0].encoding}`);
      assert.deepEqual(counts(s), [3, seen.length === 1 ? 3 : 0, seen.length === 1 ? 0 : 3, 0], name);
      assert.deepEqual(await people(app), EXPECTED, name);
    }
    assert.deepEqual(seen, ['csv/gb18030', 'csv/utf16be', 'csv/utf16le', 'csv/utf8']);
  });
});

test('bytes that cannot be decoded reject only their row, naming line and column, instead of storing "�"', async () => {
  await withStore(async (app, dir) => {
    const gbk = iconv.encode(table([HEAD, ...PEOPLE.map((r) => r.map((v) => v.replace('〇小明', '张三').replace('𠀀丽', '李丽')))], ',', '\n'), 'gbk');
    // A damaged lead byte in 李丽 (row 3), and the file cut in the middle of 王五 (row 4).
    const damaged = Buffer.from(gbk);
    damaged[damaged.indexOf(iconv.encode('李丽', 'gbk')) + 1] = 0x2c;
    writeFileSync(join(dir, 'damaged-gbk.csv'), damaged.subarray(0, damaged.indexOf(iconv.encode('王五', 'gbk')) + 1));
    const s = await importCustomers(app, join(dir, 'damaged-gbk.csv'));
    assert.equal(s.files[0].encoding, 'gb18030');
    assert.deepEqual(counts(s), [3, 1, 0, 2]);
    const reason = 'bytes that are not valid GBK/GB18030 text: the file is damaged or cut here, or in another encoding (--encoding)';
    assert.deepEqual(quarantine(s), [['3', 'name', reason], ['4', 'name', reason]]);
    assert.deepEqual(await people(app), [['M001', '+8613800138000', '张三']]);

    // Excel's "Unicode text" cut at an odd byte: the last row is rejected, not imported without its last value.
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(table([HEAD, ...PEOPLE], '\t'), 'utf16le')]);
    writeFileSync(join(dir, 'cut.txt'), u16.subarray(0, u16.length - 7));
    const t = await importCustomers(app, join(dir, 'cut.txt'));
    assert.deepEqual(counts(t), [3, 2, 0, 1]);
    assert.deepEqual(quarantine(t), [['4', 'province', 'bytes that are not valid UTF-16 text: the file is damaged or cut here, or in another encoding (--encoding)']]);
  });
});

test('a GBK export whose first 64 KiB are ASCII is still read as GBK', async () => {
  await withStore(async (app, dir) => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`M${String(i).padStart(5, '0')}`, `138${String(i).padStart(8, '0')}`, '', 'SH']);
    writeFileSync(join(dir, 'late.csv'), iconv.encode(table([['member_no', 'phone', 'name', 'province'], ...rows, ['M99999', '13999999999', '张三', '上海']], ',', '\n'), 'gbk'));
    const s = await importCustomers(app, join(dir, 'late.csv'));
    assert.equal(s.files[0].encoding, 'gb18030');
    assert.deepEqual(counts(s), [5001, 5001, 0, 0]);
    assert.equal(decrypt(app.keys, (await app.warehouse.get<{ c: string }>(`select name_cipher as c from customers where name_cipher is not null`))!.c), '张三');
  });
});

test('line numbers stay right past empty lines, quoted line breaks and a line with surplus fields (counted once)', async () => {
  await withStore(async (app, dir) => {
    const text = [
      'member_no,phone,name,tags', //                      1
      'M001,13800138000,张三,"新客', //                    2 (a quoted line break: still line 2)
      '茶饮"',
      '', //                                              3 (empty)
      'M002,13900139000,李四,a,b,c', //                    4 surplus fields
      ',,,', //                                           5 all empty: skipped
      'M003,13700137000,王五,x', //                        6
      'M004,not-a-phone,赵六,y', //                        7 bad phone: rejected by the row's values
    ].join('\n') + '\n';
    writeFileSync(join(dir, 'lines.csv'), text);
    const s = await importCustomers(app, join(dir, 'lines.csv'));
    assert.deepEqual(counts(s), [4, 3, 0, 1]);
    assert.deepEqual(quarantine(s), [['4', '', 'too many columns']]);
    assert.deepEqual((await people(app)).map((p) => p[0]), ['M001', 'M003', 'M004']);
    const bad = join(dir, 'dates.csv');
    writeFileSync(bad, 'order_id,member_no,ordered_at,gross_amount\n\nO1,M001,2024-03-05 14:03:00,10\n\nO2,M001,2024-13-45 25:61:00,12\n');
    const o = await importFiles(app, { entity: 'orders', files: [bad] });
    assert.deepEqual(counts(o), [2, 1, 0, 1]);
    // The unreadable date is shown as written: only runs of eleven digits or more are blanked in the quarantine.
    assert.deepEqual((parse(readFileSync(o.files[0].quarantine!, 'utf8'), { columns: true }) as Record<string, string>[]).map((r) => [r.line, r.column, r.ordered_at]), [['5', 'ordered_at', '2024-13-45 25:61:00']]);
  });
});

test('a quote left open in the middle of a file rejects its line; the lines it swallowed are read as rows', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'quote.csv'), 'member_no,phone,name,tags\nM001,13800138000,张三,x\nM002,13900139000,李四,"unterminated\nM003,13700137000,王五,y\nM004,13600136000,赵六,"ok\nmulti"\nM005,13500135000,钱七,z\n');
    const s = await importCustomers(app, join(dir, 'quote.csv'));
    assert.deepEqual(counts(s), [5, 4, 0, 1]);
    assert.deepEqual(quarantine(s), [['3', 'tags', 'a quote opened here is not closed on its line: the lines below it were read again as rows of their own']]);
    assert.deepEqual((await people(app)).map((p) => p[0]), ['M001', 'M003', 'M004', 'M005']);
    const again = await importCustomers(app, join(dir, 'quote.csv'));
    assert.deepEqual(counts(again), [5, 0, 4, 1]);
  });
});

test('a stray quote closed by another stray quote rows later: the rows between are read as rows, not as one value', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'stray.csv'), [
      'member_no,phone,name,tags',
      'M001,13800138000,张三,"上海市', //          a value with a line break written on purpose
      '浦东新区"',
      'M002,13900139000,李四,"VIP', //             2: a stray quote …
      'M003,13700137000,王五,pizza', //            3
      'M004,13600136000,赵六,12" pizza",x', //     4: … closed here
      'M005,13500135000,钱七,y', //                5
    ].join('\n') + '\n');
    const s = await importCustomers(app, join(dir, 'stray.csv'));
    const unclosed = 'a quote opened here is not closed on its line: the lines below it were read again as rows of their own';
    assert.deepEqual(counts(s), [5, 3, 0, 2]);
    assert.deepEqual(quarantine(s), [['3', 'tags', unclosed], ['5', '', 'too many columns']]);
    assert.deepEqual((await people(app)).map((p) => p[0]), ['M001', 'M003', 'M005']);
    // Closed cleanly at the end of a value, the swallowing row is even a valid row to the reader.
    writeFileSync(join(dir, 'stray2.csv'), 'member_no,phone,name,tags\nM006,13400134000,孙八,"VIP\nM007,13300133000,周九,x\nM008,13200132000,吴十,pizza 12"\nM009,13100131000,郑一,y\n');
    const t = await importCustomers(app, join(dir, 'stray2.csv'));
    assert.deepEqual(counts(t), [4, 3, 0, 1]);
    assert.deepEqual(quarantine(t), [['2', '', unclosed]]);
    assert.deepEqual((await people(app)).map((p) => p[0]), ['M001', 'M003', 'M005', 'M007', 'M008', 'M009']);
    // An address written over two lines, commas and all, is a value, also in a row rejected for a surplus field.
    writeFileSync(join(dir, 'address.csv'), 'member_no,phone,name,tags\nM010,13000130000,王十,"12 Main St,\nApt 3, Springfield, IL, USA"\nM011,13000130001,冯一,"Room 1,\nBlock 2, Road 3, City, CN",x\nM012,13000130002,陈二,y\n');
    const a = await importCustomers(app, join(dir, 'address.csv'));
    assert.deepEqual(counts(a), [3, 2, 0, 1]);
    assert.deepEqual(quarantine(a), [['3', '', 'too many columns']]);
  });
});

test('title lines above the header (an export\'s preamble) are skipped, in CSV and tab-separated text alike', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'bill.csv'), '微信支付账单明细\n起始时间：[2024-01-01 00:00:00] 终止时间：[2024-03-31 23:59:59]\n\n----------------------微信支付账单明细列表--------------------\nmember_no,phone,name\nM001,13800138000,张三\nM002,1380013800x,李四,extra\n');
    const s = await importCustomers(app, join(dir, 'bill.csv'));
    assert.deepEqual(counts(s), [2, 1, 0, 1]);
    assert.deepEqual(quarantine(s), [['7', '', 'too many columns']]);
    writeFileSync(join(dir, 'export.txt'), '会员导出\n导出时间：2024-03-05\nmember_no\tphone\tname\nM003\t13700137000\t王五\n');
    assert.deepEqual(counts(await importCustomers(app, join(dir, 'export.txt'))), [1, 1, 0, 0]);
    assert.deepEqual((await people(app)).map((p) => p.slice(0, 2)), [['M001', '+8613800138000'], ['M003', '+8613700137000']]);
  });
});

test('a CRLF file with a line ending LF or CR alone (two exports pasted together) is read, not refused whole', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'mixed.csv'), iconv.encode('member_no,phone,name\r\nM001,13800138000,张三\r\nM002,13900139000,李四\nM003,13700137000,王五\rM004,13600136000,赵六,x\r\n', 'gbk'));
    const s = await importCustomers(app, join(dir, 'mixed.csv'));
    assert.deepEqual(counts(s), [4, 3, 0, 1]);
    assert.deepEqual(quarantine(s), [['5', '', 'too many columns']]);
    assert.deepEqual((await people(app)).map((p) => p[2]), ['张三', '李四', '王五']);
  });
});

test('fuzzed files (bytes flipped, quotes, delimiters and line breaks inserted, the end cut) never lose an intact row', async () => {
  await withStore(async (app, dir) => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lost: string[] = [];
    let read = 0, rejected = 0;
    for (let v = 0; v < 16; v++) {
      const lines = ['order_id,member_no,ordered_at,gross_amount,note', ...Array.from({ length: 30 }, (_, i) => `V${v}-O${i},M${i % 7},2024-03-0${1 + (i % 9)} 12:00:00,${i}.5,备注${i}`)];
      const eol = v % 2 ? '\r\n' : '\n';
      let b = v % 4 < 2 ? Buffer.from(lines.join(eol) + eol) : iconv.encode(lines.join(eol) + eol, 'gbk');
      for (let m = 0; m < 3; m++) {
        const at = Math.floor(rnd() * b.length);
        const kind = Math.floor(rnd() * 5);
        if (kind === 0) b = b.subarray(0, Math.max(at, b.length - 150));
        else if (kind === 1) b[at] = Math.floor(rnd() * 256);
        else b = Buffer.concat([b.subarray(0, at), Buffer.from(['"', ',', '\n'][kind - 2]), b.subarray(at)]);
      }
      const file = join(dir, `fuzz${v}.csv`);
      writeFileSync(file, b);
      const text = v % 4 < 2 ? b.toString('utf8') : iconv.decode(b, 'gbk');
      const intact = text.startsWith(lines[0] + eol) ? lines.slice(1).filter((l) => text.includes(eol + l + eol)).map((l) => l.split(',')[0]) : [];
      // A damaged header is a clear error of its own (a missing column); then no row was intact to begin with.
      const s = await importFiles(app, { entity: 'orders', files: [file] }).catch((e: unknown) => {
        if (isUserError(e) && !intact.length) return null;
        throw e;
      });
      if (!s) continue;
      assert.equal(s.rows, s.imported + s.unchanged + s.rejected);
      read++;
      rejected += s.rejected;
      const got = new Set((await app.warehouse.all<{ id: string }>(`select order_id as id from orders where starts_with(order_id, $v)`, { v: `V${v}-` })).map((r) => r.id));
      lost.push(...intact.filter((id) => !got.has(id)));
    }
    assert.deepEqual(lost, []);
    assert.deepEqual([read, rejected], [13, 36]);
  });
});

test('a file cut inside its last row rejects that row (fewer fields than the header, no final line break)', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'cut.csv'), 'member_no,phone,name,gender,province\nM001,13800138000,张三,男,上海\nM002,13900139000,李四,女,广东\nM003,1370013');
    const s = await importCustomers(app, join(dir, 'cut.csv'));
    assert.deepEqual(counts(s), [3, 2, 0, 1]);
    assert.deepEqual(quarantine(s), [['4', '', 'the file ends inside this row (2 of 5 fields): it looks cut short']]);
    // A complete last row without a final line break is a row like any other.
    writeFileSync(join(dir, 'no-eol.csv'), 'member_no,phone\nM001,13800138000\nM009,13900139009');
    assert.deepEqual(counts(await importCustomers(app, join(dir, 'no-eol.csv'))), [2, 1, 1, 0]);
  });
});

test('JSON Lines: a BOM, empty lines, arrays and broken lines are rejected or skipped by their own line; a JSON array file is read', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'rows.jsonl'), '\uFEFF' + [
      '{"member_no":"M001","phone":"13800138000","name":"张三"}', // 1
      '{"member_no":"M002","phone":13900139000,"name":"李四"', //   2 broken
      '[1,2]', //                                                   3 not an object
      '', //                                                        4
      '{"member_no":"M003","phone":"13700137000","name":"王五"}', // 5
      '"str"', //                                                   6
    ].join('\r\n') + '\r\n');
    const s = await importCustomers(app, join(dir, 'rows.jsonl'));
    assert.deepEqual(counts(s), [5, 2, 0, 3]);
    assert.deepEqual(quarantine(s), [['2', '', 'not valid JSON (a broken or cut line)'], ['3', '', 'not a JSON object (the line is an array)'], ['6', '', 'not a JSON object (the line is a string)']]);
    writeFileSync(join(dir, 'rows.json'), JSON.stringify([{ member_no: 'M004', phone: '13600136000' }, { member_no: 'M005', phone: 13500135000 }]));
    const a = await importCustomers(app, join(dir, 'rows.json'));
    assert.deepEqual(counts(a), [2, 2, 0, 0]);
    assert.deepEqual((await people(app)).map((p) => p.slice(0, 2)), [['M001', '+8613800138000'], ['M003', '+8613700137000'], ['M004', '+8613600136000'], ['M005', '+8613500135000']]);
  });
});

test('JSON Lines: a key that first appears after thousands of lines is a column like the others', async () => {
  await withStore(async (app, dir) => {
    const lines = Array.from({ length: 12000 }, (_, i) => JSON.stringify({ member_no: `L${i}`, ...(i === 11999 ? { phone: '13300133000' } : {}) }));
    writeFileSync(join(dir, 'late.jsonl'), lines.join('\n'));
    assert.deepEqual(counts(await importCustomers(app, join(dir, 'late.jsonl'))), [12000, 12000, 0, 0]);
    assert.deepEqual(await app.warehouse.all(`select id_masked from customer_identifiers where id_type = 'phone'`), [{ id_masked: '133****3000' }]);
  });
});

test('Parquet: a timestamp with time zone, a DOUBLE phone number and a decimal amount are read as what they are', async () => {
  await withStore(async (app, dir) => {
    const file = join(dir, 'orders.parquet');
    await app.warehouse.run(`copy (select * from (values
        ('O1', 13800138000::double, timestamptz '2024-03-05 14:03:00+08', 123.45::decimal(10,2), 3.0::double),
        ('O2', 13900139000::double, timestamptz '2024-03-06 01:00:00+00', 88.00::decimal(10,2), 1.0::double)
      ) t(order_id, phone, ordered_at, gross_amount, item_count)) to '${file}' (format parquet)`);
    const s = await importFiles(app, { entity: 'orders', files: [file] });
    assert.deepEqual(counts(s), [2, 2, 0, 0], JSON.stringify(s.files[0].reasons));
    assert.deepEqual(await app.warehouse.all(`select order_id, ordered_at::varchar as at, order_date::varchar as day, gross_amount::varchar as amount, item_count from orders order by order_id`), [
      { order_id: 'O1', at: '2024-03-05 06:03:00', day: '2024-03-05', amount: '123.45', item_count: 3 },
      { order_id: 'O2', at: '2024-03-06 01:00:00', day: '2024-03-06', amount: '88.00', item_count: 1 },
    ]);
    assert.deepEqual((await people(app)).map((p) => p[1]), ['+8613800138000', '+8613900139000']);
  });
});

async function workbook(file: string, build: (wb: ExcelJS.Workbook) => void): Promise<void> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  await wb.xlsx.writeFile(file);
}

test('XLSX: a title above the header, gaps and styled empty rows keep Excel\'s row numbers; a note right of the header is dropped, not the row', async () => {
  await withStore(async (app, dir) => {
    const file = join(dir, 'members.xlsx');
    await workbook(file, (wb) => {
      wb.addWorksheet('说明').addRow(['本文件由系统导出']);
      const ws = wb.addWorksheet('会员');
      ws.addRow(['会员导出 2024-03']); //                                              row 1: a title
      ws.addRow([]); //                                                                  row 2
      ws.addRow(['member_no', 'phone', 'name', 'registered_at', 'tags']); //             row 3: the header
      ws.addRow(['M001', 13800138000, '张三', new Date(Date.UTC(2024, 2, 5, 14, 2, 59, 999)), 0.1 + 0.2]); // row 4
      ws.getRow(6).getCell(2).value = ''; //                                             row 6: styled, empty
      ws.getRow(7).values = ['M002', '139-0013-9000', '李四', 'not a date']; //          row 7: rejected
      ws.getRow(8).values = ['M003', 13700137000, '王五', 45356.5, null, '已核对']; //   row 8, a note right of the header
    });
    await assert.rejects(importCustomers(app, file), (e: unknown) => isUserError(e) && e.code === 'sheet_empty' && e.message === `The first sheet of ${file}, '说明', holds no rows; choose one with --sheet: 会员 (4 rows).`);
    await assert.rejects(importCustomers(app, file, { sheet: '客户' }), (e: unknown) => isUserError(e) && e.message === `No sheet named '客户' in ${file}; it has: 说明, 会员.`);
    const s = await importCustomers(app, file, { sheet: '会员' });
    assert.equal(s.files[0].encoding, 'xlsx:会员');
    assert.deepEqual(counts(s), [3, 2, 0, 1]);
    assert.deepEqual(quarantine(s), [['7', 'registered_at', 'not a date/time']]);
    assert.deepEqual(await app.warehouse.all(`select registered_at::varchar as at, (select any_value(tag) from customer_tags t where t.customer_id = c.id) as tag from customers c order by id`), [
      { at: '2024-03-05 06:03:00', tag: '0.3' },
      { at: '2024-03-05 04:00:00', tag: null },
    ]);
    assert.deepEqual((await people(app)).map((p) => p.slice(0, 2)), [['M001', '+8613800138000'], ['M003', '+8613700137000']]);
  });
});

test('XLSX cells read as Excel shows them: whole numbers exactly, fractions to 15 digits, times to the second', () => {
  assert.deepEqual([13800138000, 1234567890123456, 0.1 + 0.2, 12.300000000000001, new Date(Date.UTC(2024, 2, 5, 14, 2, 59, 999)), new Date(Date.UTC(1990, 2, 5)), { formula: 'A1', result: 7 }, { error: '#N/A' }].map(cellText),
    ['13800138000', '1234567890123456', '0.3', '12.3', '2024-03-05 14:03:00', '1990-03-05', '7', '']);
});

test('a file with old Mac line ends (CR alone) longer than the 64 KiB sample is read', async () => {
  await withStore(async (app, dir) => {
    const rows = Array.from({ length: 3000 }, (_, i) => [`M${i}`, `138${String(i).padStart(8, '0')}`, `客户${i}`]);
    writeFileSync(join(dir, 'mac.csv'), table([['member_no', 'phone', 'name'], ...rows], ',', '\r'));
    assert.deepEqual(counts(await importCustomers(app, join(dir, 'mac.csv'))), [3000, 3000, 0, 0]);
  });
});

test('files that are not what their name says: an XLSX or Parquet file named .csv is read as itself; .xls, binary garbage and a cut gzip are refused with one clear line', async () => {
  await withStore(async (app, dir) => {
    await workbook(join(dir, 'export.csv'), (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['member_no', 'phone']);
      ws.addRow(['M001', 13800138000]);
    });
    const x = await importCustomers(app, join(dir, 'export.csv'));
    assert.deepEqual([x.files[0].format, x.files[0].encoding, ...counts(x)], ['xlsx', 'xlsx:S', 1, 1, 0, 0]);
    const refuse = async (name: string, bytes: Buffer, code: string, message: string) => {
      writeFileSync(join(dir, name), bytes);
      await assert.rejects(importCustomers(app, join(dir, name)), (e: unknown) => isUserError(e) && e.code === code && e.message === message.replace('FILE', join(dir, name)));
    };
    await refuse('old.csv', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512, 1)]), 'xls_unsupported', 'Old .xls workbooks cannot be read: save the sheet as .xlsx or CSV.');
    const noise = Buffer.alloc(5000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 7919 + 13) % 256;
    await refuse('noise.csv', noise, 'file_not_text', 'FILE is not a text file (it looks like binary data); expected CSV/TSV text, XLSX, JSONL or Parquet.');
    const gz = gzipSync(Buffer.from(table([HEAD, ...PEOPLE])));
    await refuse('cut.csv.gz', gz.subarray(0, gz.length - 12), 'gzip_unreadable', 'FILE cannot be decompressed: it ends early (cut short?). Unpack it yourself to import the rows it holds.');
    assert.equal(await app.warehouse.scalar(`select count(*) from customers`), 1);
  });
});

test('the CLI: bad input exits 1 with one English and one Chinese line, no stack; the quarantine holds no plaintext phone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-fmt-cli-'));
  try {
    const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'siyu.mjs'), ...args], { env: { ...process.env, SIYU_DATA_DIR: join(dir, 'data') }, encoding: 'utf8', cwd: root });
    const noise = Buffer.alloc(3000);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 131 + 7) % 256;
    writeFileSync(join(dir, 'noise.csv'), noise);
    const r = run('import', 'customers', join(dir, 'noise.csv'), '--json');
    assert.equal(r.status, 1);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      `error: ${join(dir, 'noise.csv')} is not a text file (it looks like binary data); expected CSV/TSV text, XLSX, JSONL or Parquet.`,
      `错误：${join(dir, 'noise.csv')} 不是文本文件（看起来是二进制数据）；应为 CSV/TSV 文本、XLSX、JSONL 或 Parquet。`,
    ]);
    writeFileSync(join(dir, 'bad.csv'), 'member_no,phone,name\nM001,13800138000,张三\nM002,13900139000,李四,extra\n');
    const ok = run('import', 'customers', join(dir, 'bad.csv'), '--json');
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual([JSON.parse(ok.stdout).imported, JSON.parse(ok.stdout).rejected], [1, 1]);
    const files = readdirSync(join(dir, 'data', 'quarantine'));
    for (const f of files) assert.doesNotMatch(readFileSync(join(dir, 'data', 'quarantine', f), 'utf8'), /13900139000|13800138000|李四/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Found by this audit outside src/ingest/read: coercion and mapping.

test('a time with a short offset as PostgreSQL and DuckDB write it (…+08, …+00) is read as that instant', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'pg.csv'), 'order_id,member_no,ordered_at,gross_amount\nP1,M001,2024-03-05 14:03:00+08,10\nP2,M001,2024-03-05 06:03:00+00,10\n');
    const s = await importFiles(app, { entity: 'orders', files: [join(dir, 'pg.csv')] });
    assert.deepEqual(counts(s), [2, 2, 0, 0], JSON.stringify(s.files[0].reasons));
    assert.deepEqual(await app.warehouse.all(`select ordered_at::varchar as at from orders order by order_id`), [{ at: '2024-03-05 06:03:00' }, { at: '2024-03-05 06:03:00' }]);
  });
});

test('two columns with the same header are read like a mapping\'s list of headers: the first non-empty wins', async () => {
  await withStore(async (app, dir) => {
    writeFileSync(join(dir, 'dup.csv'), 'member_no,phone,phone\nM001,13800138000,\nM002,,13900139000\n');
    const s = await importCustomers(app, join(dir, 'dup.csv'));
    assert.deepEqual(counts(s), [2, 2, 0, 0]);
    assert.deepEqual((await people(app)).map((p) => p.slice(0, 2)), [['M001', '+8613800138000'], ['M002', '+8613900139000']]);
  });
});
