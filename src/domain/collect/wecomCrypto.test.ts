import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { wecomKey, wecomSignature, wecomDecrypt, wecomEncrypt, signatureMatches } from './wecomCrypto.ts';
import { parseWecomXml } from './wecomXml.ts';

const require = createRequire(import.meta.url);
const lib = require('@wecom/crypto') as { getSignature(t: string, ts: string, n: string, e: string): string; decrypt(k: string, e: string): { message: string; id: string; random?: Buffer }; encrypt(k: string, m: string, id: string): string };
const ref = { ...lib, decrypt: (k: string, e: string) => {
  const { message, id } = lib.decrypt(k, e);
  return { message, id };
} };
const AES = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'wx5823bf96d3bd56c7';

test('signature: SHA1 of the sorted token, timestamp, nonce and ciphertext — the same as @wecom/crypto', () => {
  const sig = wecomSignature('QDG6eK', '1409659813', '1372623149', 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo');
  assert.equal(sig, ref.getSignature('QDG6eK', '1409659813', '1372623149', 'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo'));
  assert.match(sig, /^[0-9a-f]{40}$/);
  assert.ok(signatureMatches(sig, sig.toUpperCase()));
  assert.ok(!signatureMatches(sig, sig.replace(/.$/, (c) => (c === '0' ? '1' : '0'))));
});

test('our ciphertext decrypts with @wecom/crypto and theirs with ours, Chinese text and the corp id intact', () => {
  const key = wecomKey(AES);
  const msg = '<xml><Event><![CDATA[change_external_contact]]></Event><State><![CDATA[门店-上海]]></State></xml>';
  assert.deepEqual(ref.decrypt(AES, wecomEncrypt(key, msg, CORP)), { message: msg, id: CORP });
  assert.deepEqual(wecomDecrypt(key, ref.encrypt(AES, msg, CORP)), { message: msg, receiveId: CORP });
  for (const n of [0, 1, 11, 12, 43, 44, 300]) {
    const m = 'x'.repeat(n);
    const c = wecomEncrypt(key, m, CORP);
    assert.equal(Buffer.from(c, 'base64').length % 32, 0, 'padded to 32-byte blocks');
    assert.deepEqual(ref.decrypt(AES, c), { message: m, id: CORP });
  }
});

test('a fixed vector: random bytes, length prefix and PKCS#7 padding to 32 as the published algorithm says', () => {
  const key = wecomKey(AES);
  const c = wecomEncrypt(key, 'hello', CORP, Buffer.alloc(16, 1));
  assert.equal(Buffer.from(c, 'base64').length, 64, '16 + 4 + 5 + 18 = 43 bytes → padded to 64');
  assert.equal(c, wecomEncrypt(key, 'hello', CORP, Buffer.alloc(16, 1)), 'deterministic for fixed random bytes');
  assert.throws(() => wecomDecrypt(wecomKey('a'.repeat(43)), c), /cannot be decrypted/);
  assert.throws(() => wecomKey('short'), /43 characters/);
});

test('WeCom XML: CDATA and plain values, lists of items; not XML is a 400', () => {
  assert.deepEqual(parseWecomXml('<xml><ToUserName><![CDATA[ww1]]></ToUserName><CreateTime>1403610513</CreateTime><Encrypt><![CDATA[abc]]></Encrypt></xml>'),
    { ToUserName: 'ww1', CreateTime: '1403610513', Encrypt: 'abc' });
  assert.deepEqual(parseWecomXml('<xml><MemChangeList><Item>wm1</Item><Item><![CDATA[wm2]]></Item></MemChangeList><One><Item>wm3</Item></One></xml>'), { MemChangeList: ['wm1', 'wm2'], One: ['wm3'] });
  assert.throws(() => parseWecomXml('nothing here'), /not a WeCom callback message/);
});

test('WeCom XML: 80,000 nested <a> is refused in well under a second (the regex parser took 10.9 s)', () => {
  const t0 = performance.now();
  assert.throws(() => parseWecomXml('<a>'.repeat(80_000)), /not a WeCom callback message/);
  assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
});
