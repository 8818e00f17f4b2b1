import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp, type App } from '../src/app/context.ts';
import { importFiles } from '../src/ingest/index.ts';
import { isUserError } from '../src/errors.ts';

async function withStore(fn: (app: App, file: (name: string, text: string) => string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-sensaudit-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    await fn(app, (name, text) => (writeFileSync(join(dir, name), text), join(dir, name)));
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const HEALTH = '会员号,姓名,病史\nM1,王五,高血压\nM2,赵六,\n';

/** Every text value in the store that contains `needle`, as table.column. */
async function storedAnywhere(app: App, needle: string): Promise<string[]> {
  const cols = await app.warehouse.all<{ t: string; c: string }>(
    `select table_name as t, column_name as c from duckdb_columns() where data_type in ('VARCHAR', 'JSON') and table_name in (select table_name from duckdb_tables() where not temporary)`,
  );
  const hits: string[] = [];
  for (const { t, c } of cols) if (await app.warehouse.scalar(`select count(*) from "${t}" where "${c}"::varchar like '%' || $n || '%'`, { n: needle })) hits.push(`${t}.${c}`);
  return hits;
}

test('a health column is refused until the workspace records grants of sensitive_health, and then its values are still not stored', async () => {
  await withStore(async (app, file) => {
    const map = file('health.json', JSON.stringify({ entity: 'customers', columns: { member_no: '会员号', name: '姓名' }, traits: { history: '病史' }, sensitive: { 病史: 'health' } }));
    await assert.rejects(importFiles(app, { entity: 'customers', files: [file('h.csv', HEALTH)], map }), (e) => isUserError(e) && e.code === 'sensitive_refused' && /'病史'.*health.*sensitive_health/.test(e.message));
    assert.equal(await app.warehouse.scalar(`select count(*) from customers`), 0);
    await importFiles(app, { entity: 'consents', files: [file('c.csv', 'member_no,purpose,status,changed_at,evidence\nM1,sensitive_health,granted,2024-03-01,form 7\n')] });
    const s = await importFiles(app, { entity: 'customers', files: [join(file('h2.csv', HEALTH))], map });
    // M1 was created by the consents file (updated), M2 is new (imported).
    assert.deepEqual([s.imported, s.updated, s.rejected], [1, 1, 0]);
    assert.deepEqual(await storedAnywhere(app, '高血压'), []);
  });
});

test('a column declared sensitive but also mapped to a stored column is refused, whatever the consents', async () => {
  await withStore(async (app, file) => {
    await importFiles(app, { entity: 'consents', files: [file('c.csv', 'member_no,purpose,status,changed_at\nM1,sensitive_health,granted,2024-03-01\n')] });
    const map = file('m.json', JSON.stringify({ entity: 'customers', columns: { member_no: '会员号', name: '姓名', tags: '病史' }, sensitive: { 病史: 'health' } }));
    await assert.rejects(importFiles(app, { entity: 'customers', files: [file('h.csv', HEALTH)], map }),
      (e) => isUserError(e) && e.code === 'sensitive_mapped' && e.message === `Column '病史' is declared sensitive (health) and also mapped to tags; sensitive values are never stored: take it out of the mapping's columns.`);
    assert.deepEqual(await storedAnywhere(app, '高血压'), []);
  });
});

test('ID-card and bank-card numbers in free text are rejected with the field named; long order numbers and failed checksums are not', async () => {
  await withStore(async (app, file) => {
    const s = await importFiles(app, {
      entity: 'customers',
      files: [file('free.csv', [
        'member_no,name,tags',
        'F1,钱八,"VIP,身份证11010519491231002X"', // valid MOD 11-2 check character
        'F2,周九,卡号 6212 2610 0000 1234 565', // UnionPay, Luhn valid
        'F3,吴十,订单号 20240305123456789012', // a 20-digit order number: not a card, whatever its prefixes
        'F4,郑一,身份证 110105194912310021', // wrong check character
        'F5,林二,卡号 6212261000001234566', // fails Luhn
        'F6,陈三,"卡 6212261000001234565 有效期 2024 12"',
        '',
      ].join('\n'))],
    });
    assert.deepEqual([s.imported, s.rejected], [3, 3]);
    assert.deepEqual(s.files[0].reasons, { 'tags: contains an ID-card number (sensitive, PIPL art. 28)': 1, 'tags: contains a bank-card number (sensitive, PIPL art. 28)': 2 });
    const c = await importFiles(app, { entity: 'consents', files: [file('c.csv', 'member_no,purpose,status,changed_at,evidence\nF3,analytics,granted,2024-03-01,身份证 110105 19491231 002X\n')] });
    assert.deepEqual(c.files[0].reasons, { 'evidence: contains an ID-card number (sensitive, PIPL art. 28)': 1 });
    for (const n of ['002X', '6212261000001234565', '2610 0000']) assert.deepEqual(await storedAnywhere(app, n), [], n);
  });
});
