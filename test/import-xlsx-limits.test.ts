import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import { openApp } from '../src/app/context.ts';
import { importFiles } from '../src/ingest/index.ts';
import { isUserError } from '../src/errors.ts';

const bin = join(import.meta.dirname, '..', 'bin', 'siyu.mjs');

/**
 * A minimal XLSX zip, entries in the order given (deflated; a part may be given already deflated with its size, for a
 * bomb too large to hold unpacked). CRCs are left 0: the readers do not check them.
 */
function zip(entries: { name: string; data?: Buffer; packed?: Buffer; size?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let at = 0;
  for (const e of entries) {
    const packed = e.packed ?? deflateRawSync(e.data!);
    const size = e.size ?? e.data!.length;
    const name = Buffer.from(e.name);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0); h.writeUInt16LE(20, 4); h.writeUInt16LE(8, 8); h.writeUInt32LE(packed.length, 18); h.writeUInt32LE(size, 22); h.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0); c.writeUInt16LE(20, 4); c.writeUInt16LE(20, 6); c.writeUInt16LE(8, 10); c.writeUInt32LE(packed.length, 20); c.writeUInt32LE(size, 24); c.writeUInt16LE(name.length, 28); c.writeUInt32LE(at, 42);
    locals.push(h, name, packed);
    central.push(c, name);
    at += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(entries.length, 8); end.writeUInt16LE(entries.length, 10); end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(at, 16);
  return Buffer.concat([...locals, cd, end]);
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const parts = (sheet: { data?: Buffer; packed?: Buffer; size?: number }, sharedStrings?: string) => [
  { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>') },
  { name: '_rels/.rels', data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>') },
  { name: 'xl/workbook.xml', data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><workbook ${NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="会员" sheetId="1" r:id="rId1"/></sheets></workbook>`) },
  // As Excel writes them: the sheet before the relations and the shared strings.
  { name: 'xl/worksheets/sheet1.xml', ...sheet },
  { name: 'xl/_rels/workbook.xml.rels', data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>') },
  ...(sharedStrings ? [{ name: 'xl/sharedStrings.xml', data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><sst ${NS}>${sharedStrings}</sst>`) }] : []),
];

const HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>member_no</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row>';
const sheetXml = (rows: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${HEADER}${rows}</sheetData></worksheet>`);

/** A sheet of `n` empty rows, deflated a chunk at a time (it never exists unpacked here). */
async function emptyRowsSheet(n: number): Promise<{ packed: Buffer; size: number }> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((r) => deflate.on('end', r));
  let size = 0;
  const put = async (b: Buffer) => {
    size += b.length;
    if (!deflate.write(b)) await new Promise((r) => deflate.once('drain', r));
  };
  await put(Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>${HEADER}`));
  const chunk = Buffer.from('<row/>'.repeat(100_000));
  for (let i = 0; i < n; i += 100_000) await put(chunk);
  await put(Buffer.from('</sheetData></worksheet>'));
  deflate.end();
  await done;
  return { packed: Buffer.concat(out), size };
}

/** `siyu import customers FILE --json` in a child whose peak memory is reported (maxRSS, KiB). */
function importChild(store: string, file: string): { status: number | null; stderr: string; ms: number; maxRssMiB: number } {
  const preload = join(store, '..', 'rss.mjs');
  writeFileSync(preload, `process.on('exit', () => process.stderr.write('\\nmaxrss ' + process.resourceUsage().maxRSS + '\\n'));\n`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', preload, bin, 'import', 'customers', file, '--json'], { env: { ...process.env, SIYU_DATA_DIR: store }, encoding: 'utf8', timeout: 120_000 });
  const rss = /maxrss (\d+)/.exec(r.stderr);
  return { status: r.status, stderr: r.stderr, ms: Date.now() - t0, maxRssMiB: rss ? Number(rss[1]) / 1024 : Infinity };
}

test('given an XLSX decompression bomb (a sheet of 30 million empty rows in 180 KB), when imported, then it is refused before it is parsed, naming the file, with the memory of a small import', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-xlsxbomb-'));
  try {
    const file = join(dir, 'members.xlsx');
    const bomb = await emptyRowsSheet(30_000_000);
    writeFileSync(file, zip(parts(bomb)));
    assert.ok(bomb.packed.length < 400_000 && bomb.size > 170_000_000, `${bomb.packed.length} bytes unpacking to ${bomb.size}`);
    const r = importChild(join(dir, 'store'), file);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /members\.xlsx was not read: its part xl\/worksheets\/sheet1\.xml unpacks to 172 MiB from 0\.\d+ MiB \(over 100 times\)/);
    assert.ok(r.maxRssMiB < 400, `peak memory ${r.maxRssMiB.toFixed(0)} MiB`);
    assert.ok(r.ms < 60_000, `${r.ms} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('given sheets that pass the size checks but hold rows beyond what a sheet can have, or one cell far to the right on every row, then each is refused with the file and sheet named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-xlsxrows-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    const beyond = join(dir, 'beyond.xlsx');
    writeFileSync(beyond, zip(parts({ data: sheetXml('<row r="2"><c r="A2" t="inlineStr"><is><t>M1</t></is></c></row><row r="2000000"><c r="A2000000" t="inlineStr"><is><t>M2</t></is></c></row>') })));
    await assert.rejects(importFiles(app, { entity: 'customers', files: [beyond] }), (e) => isUserError(e) && e.code === 'xlsx_too_large' && /beyond\.xlsx was not read: sheet '会员' holds more than the 1,048,576 rows a sheet can have/.test(e.message));

    // One cell in column XFD on each of 3,000 rows: exceljs walks every column up to it (over a second per 1,000 rows).
    const wide = join(dir, 'wide.xlsx');
    const rows = Array.from({ length: 3000 }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}" t="inlineStr"><is><t>M${i}</t></is></c><c r="XFD${i + 2}"><v>1</v></c></row>`).join('');
    writeFileSync(wide, zip(parts({ data: sheetXml(rows) })));
    const t0 = Date.now();
    await assert.rejects(importFiles(app, { entity: 'customers', files: [wide] }), (e) => isUserError(e) && e.code === 'xlsx_too_large' && /wide\.xlsx was not read: sheet '会员' holds rows reaching far to the right of any table/.test(e.message));
    assert.ok(Date.now() - t0 < 30_000, `${Date.now() - t0} ms`);
    assert.equal(await app.warehouse.scalar(`select count(*) from customers`), 0);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('given a workbook laid out as Excel writes it (sheet before the shared strings) or without shared strings, then it is read without a plaintext copy in the OS temp directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-xlsxtmp-'));
  const app = await openApp({ dir: join(dir, 'store') });
  const osTmp = join(dir, 'os-tmp');
  mkdirSync(osTmp);
  const saved = process.env.TMPDIR;
  try {
    const shared = join(dir, 'shared.xlsx');
    writeFileSync(shared, zip(parts({ data: sheetXml('<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>13800000001</v></c></row>') }, '<si><t>M1</t></si>')));
    const inline = join(dir, 'inline.xlsx');
    writeFileSync(inline, zip(parts({ data: sheetXml('<row r="2"><c r="A2" t="inlineStr"><is><t>M2</t></is></c><c r="B2"><v>13800000002</v></c></row>') })));
    // exceljs copies a sheet it cannot stream into os.tmpdir() while it reads it (a kill -9 then leaves it there).
    const created: string[] = [];
    const watcher = watch(osTmp, (_event, name) => {
      if (name && !name.startsWith('siyu-spill-')) created.push(name);
    });
    process.env.TMPDIR = osTmp;
    try {
      const s = await importFiles(app, { entity: 'customers', files: [shared, inline] });
      assert.deepEqual([s.rows, s.imported, s.rejected], [2, 2, 0]);
    } finally {
      process.env.TMPDIR = saved;
      await new Promise((r) => setTimeout(r, 200));
      watcher.close();
    }
    assert.deepEqual(created, [], 'no copy of a sheet in the OS temp directory');
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
