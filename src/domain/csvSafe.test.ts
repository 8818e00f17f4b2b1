import { test } from 'node:test';
import assert from 'node:assert/strict';
import { neutraliseCell, csvField } from './csvSafe.ts';

test('every cell a spreadsheet would evaluate gets a leading quote (OWASP CSV injection), also after blanks; plain numbers stay numbers', () => {
  const evaluated = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", '@SUM(1+1)', '\t=1+1', '\r=1+1', '  =1+1', '\u3000=1+1', '＝1+1', '-', '+86 138'];
  for (const v of evaluated) assert.equal(neutraliseCell(v), `'${v}`, JSON.stringify(v));
  const inert = ['-12.5', '+3', '12', '1e3', '-0.5e-2', '.5', 'a=b', '张三', '', '2024-03-05 14:03:00', "'=already"];
  for (const v of inert) assert.equal(neutraliseCell(v), v, JSON.stringify(v));
  assert.equal(neutraliseCell(null), '');
  assert.equal(neutraliseCell(-12.5), '-12.5');
});

test('a CSV field is quoted when it must be, after neutralising', () => {
  assert.equal(csvField('=1+1'), "'=1+1");
  assert.equal(csvField('=HYPERLINK("a","b")'), `"'=HYPERLINK(""a"",""b"")"`);
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('\t=1+1'), "'\t=1+1");
  assert.equal(csvField('\r=1+1'), `"'\r=1+1"`);
});
