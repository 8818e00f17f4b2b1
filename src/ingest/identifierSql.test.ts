import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import { openApp } from '../app/context.ts';
import { digestIdentifier } from '../domain/privacy/digest.ts';
import { ID_TYPES } from '../domain/privacy/normalize.ts';
import { digestInSql } from './identifierSql.ts';

/**
 * The SQL digest must equal the domain function value for value — a difference would split one person into two
 * customers between an import (SQL) and live collection (JS). Every value SQL takes is compared; the values it
 * leaves (non-ASCII, empty once normalised, invalid or masked) are exactly the ones it must leave.
 */
const RAW = [
  'm001', ' M001 ', 'vip-88', "'000123", "''7", '="00012"', '="x', 'y"', '"', '=""', '""', '="', 'ab', 'abcd', 'abcde',
  'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', 'wmXyz_-AbC', '  spaced  inside  ', 'tab\tinside', ' \t lead-tab', 'ß-member', '会员0001',
  'ｍ００１', 'M 001', '0', '   ', 'a*b', '138****5678', '张**', 't**1', 'M00**12', '*', '**', '~!@#$%^&()_+{}|:<>?', "o'brien", 'Ünïcode', '\u3000m7\u3000',
  // phones as exports write them
  '13812345678', ' 13812345678 ', '+86 138 1234 5678', '+86-138-1234-5678', '8613812345678', '008613812345678', '0086 13812345678',
  "'13812345678", '="13812345678"', '="+8613812345678"', '=13812345678', '(138) 1234-5678', '138.1234.5678', '+8613812345678',
  '+14155552671', '+1 (415) 555-2671', '+44 20 7946 0958', '+861381234567', '+86 12812345678', '12812345678', '1381234567',
  '138123456789', '+1234567', '+12345678', '+123456789012345', '+1234567890123456', '0013812345678', '00 1 415 555 2671',
  '138xx345678', '138XX345678', '138 **** 5678', '+', '++8613812345678', '+86+13812345678', '13812345678a', '１３８１２３４５６７８',
  '13812345678\t', '13812345678\u3000', '+86 19912345678', '+86 11012345678', '86 138 1234 5678', '8612812345678',
  // e-mails
  'ann@example.com', ' Ann@Example.COM ', 'ANN@EXAMPLE.CO.UK', 'a@b.c', 'a@b', '@b.c', 'a@.c', 'a@b.', 'a b@c.d', 'a@@b.c', 'a@b@c.d',
  '"ann@example.com"', '="ann@example.com"', "'ann@example.com", 'a+tag@example.com', 'first.last@sub.example.org', 'x@y.z.', 'ü@example.com',
  'a***@example.com', 'Ann@Exämple.com', 'ann@example.com\t', 'a@b..c', '.@..', 'A@B.C',
];

test('the SQL identifier digest equals the domain function for every value it takes, and leaves the rest to it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-idsql-'));
  const app = await openApp({ dir });
  try {
    const types = ID_TYPES;
    const rows = types.flatMap((t) => RAW.map((raw) => ({ t, raw })));
    await app.warehouse.run(`create temp table src (k bigint, id_type varchar, raw varchar)`);
    await app.warehouse.run(`insert into src select unnest(range(1, $n + 1)), unnest($t), unnest($r)`, { n: rows.length, t: listValue(rows.map((r) => r.t)), r: listValue(rows.map((r) => r.raw)) });
    await app.warehouse.run(`create temp table dst (k bigint, norm varchar, id_hash varchar, id_masked varchar, status varchar)`);
    const r = await digestInSql(app.warehouse, app.keys, 'src', 'dst', types);
    const got = new Map((await app.warehouse.all<{ k: number; norm: string; id_hash: string; id_masked: string }>('select k, norm, id_hash, id_masked from dst')).map((x) => [Number(x.k), x]));
    let renamed = 0;
    rows.forEach(({ t, raw }, i) => {
      const js = digestIdentifier(app.keys, t, raw);
      const sql = got.get(i + 1);
      const eligible = /^[ -~]*$/.test(raw) && js.status === 'ok';
      assert.equal(Boolean(sql), eligible, `${t} ${JSON.stringify(raw)}: digested in SQL only when eligible`);
      if (sql) {
        assert.deepEqual({ norm: sql.norm, hash: sql.id_hash, masked: sql.id_masked }, { norm: js.norm, hash: js.hash, masked: js.masked }, `${t} ${JSON.stringify(raw)}`);
        if (js.norm !== raw) renamed++;
      }
    });
    assert.equal(r.done, got.size);
    assert.ok(r.done > 100, `${r.done} values digested in SQL`);
    assert.equal(r.renamed, renamed);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
