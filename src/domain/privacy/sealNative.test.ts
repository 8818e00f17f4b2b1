import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { bulkSeal, sealAll } from './sealNative.ts';
import { sealOne, encryptMany, decrypt, type Keys } from './cipher.ts';

const built = bulkSeal();
const why = built ? false : 'the bulk AES-GCM binding (native/aead) is not in use (not built at install, or SIYU_BULK_SEAL=off): encryption uses node:crypto';

/** Values of every length class around the AES block and base64 group sizes, in several scripts. */
const VALUES = [
  '', 'a', '+8613812345678', 'm001', 'ann@example.com', '张三', '欧阳娜娜', '🙂 emoji', 'ü', '\u0000nul', 'lone \ud800 surrogate',
  ...Array.from({ length: 70 }, (_, n) => 'x'.repeat(n)), ...Array.from({ length: 20 }, (_, n) => '会'.repeat(n)), 'y'.repeat(10_000),
];

test('the binding seals each value exactly as node:crypto does under the same key and IV', { skip: why }, () => {
  const key = randomBytes(32);
  const ivs = randomBytes(12 * VALUES.length);
  const bulk = sealAll(key, ivs, VALUES);
  assert.equal(bulk.length, VALUES.length);
  VALUES.forEach((v, i) => assert.equal(bulk[i], sealOne(key, ivs.subarray(12 * i, 12 * i + 12), v), `value ${i} (${v.length} chars)`));
  assert.deepEqual(sealAll(key, Buffer.alloc(0), []), []);
  // Only empty values: the text buffer itself is empty.
  assert.deepEqual(sealAll(key, ivs.subarray(0, 24), ['', '']), [sealOne(key, ivs.subarray(0, 12), ''), sealOne(key, ivs.subarray(12, 24), '')]);
});

test('encryptMany gives values decrypt reads back, each under its own IV', () => {
  const keys: Keys = { hmac: randomBytes(32), activeKeyId: 'k7', aes: new Map([['k7', randomBytes(32)]]) };
  const sealed = encryptMany(keys, VALUES);
  VALUES.forEach((v, i) => {
    assert.ok(sealed[i].startsWith('k7:'));
    assert.equal(decrypt(keys, sealed[i]), v.replace('\ud800', '\ufffd'));
  });
  const ivs = new Set(sealed.map((c) => Buffer.from(c.slice(3), 'base64').subarray(0, 12).toString('hex')));
  assert.equal(ivs.size, VALUES.length);
});

test('the binding refuses malformed calls with a clear error instead of reading past its buffers', { skip: why }, () => {
  const b = built!;
  const text = Buffer.from('abc');
  assert.throws(() => b.sealMany(randomBytes(31), randomBytes(12), text, Uint32Array.of(3)), /32-byte/);
  assert.throws(() => b.sealMany(randomBytes(32), randomBytes(11), text, Uint32Array.of(3)), /12 IV bytes per value/);
  assert.throws(() => b.sealMany(randomBytes(32), randomBytes(12), text, Uint32Array.of(4)), /rise within the text/);
  assert.throws(() => b.sealMany(randomBytes(32), randomBytes(24), text, Uint32Array.of(2, 1)), /rise within the text/);
  assert.throws(() => b.sealMany(randomBytes(32), randomBytes(12), text, [3] as unknown as Uint32Array), /Uint32Array/);
});
