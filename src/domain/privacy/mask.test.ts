import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskText, maskPhone, maskName, maskEmail } from './mask.ts';
import { maskPayload } from '../../server/auth/masking.ts';

test('masked forms: 138****5678, 张*, a***@example.com', () => {
  assert.equal(maskPhone('+8613812345678'), '138****5678');
  assert.equal(maskName('张三'), '张*');
  assert.equal(maskEmail('alice@example.com'), 'a***@example.com');
});

test('phones and e-mails in free text are masked; longer digit runs (order numbers) are not', () => {
  assert.equal(maskText('call +86 138-1234-5678 or 13987654321, mail bob@tea.cn'), 'call 138****5678 or 139****4321, mail b***@tea.cn');
  assert.equal(maskText('order 202511231381234567890'), 'order 202511231381234567890');
});

test('responses lose ciphertexts and plaintext identifiers', () => {
  assert.deepEqual(maskPayload({ name_cipher: 'k1:abc', name_masked: '张*', rows: [{ note: '13812345678' }], n: 3 }), { name_masked: '张*', rows: [{ note: '138****5678' }], n: 3 });
});
