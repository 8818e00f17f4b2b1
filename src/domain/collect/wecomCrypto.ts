import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UserError } from '../../errors.ts';

/**
 * The WeCom (企业微信) callback encryption scheme (加解密方案): the message signature is SHA1 of the sorted token,
 * timestamp, nonce and ciphertext; the body is AES-256-CBC with the 32-byte key decoded from the 43-character
 * EncodingAESKey and IV = the key's first 16 bytes, PKCS#7-padded to a multiple of 32 bytes; the plaintext is
 * 16 random bytes ‖ 4-byte big-endian message length ‖ message ‖ receiveid (the corp id, checked).
 */
export function wecomKey(encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (encodingAesKey.length !== 43 || key.length !== 32) throw new UserError('bad_wecom_key', 'The EncodingAESKey must be 43 characters (base64 of 32 bytes).', 'EncodingAESKey 必须为 43 个字符（32 字节的 base64）。');
  return key;
}

export function wecomSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join('')).digest('hex');
}

/** Constant-time check of a msg_signature. */
export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(String(given).toLowerCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

export function wecomDecrypt(key: Buffer, encrypted: string): { message: string; receiveId: string } {
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  let plain: Buffer;
  try {
    plain = Buffer.concat([d.update(Buffer.from(encrypted, 'base64')), d.final()]);
  } catch {
    throw bad();
  }
  const pad = plain[plain.length - 1];
  if (!pad || pad > 32 || pad > plain.length) throw bad();
  const content = plain.subarray(16, plain.length - pad);
  if (content.length < 4) throw bad();
  const len = content.readUInt32BE(0);
  if (4 + len > content.length) throw bad();
  return { message: content.subarray(4, 4 + len).toString('utf8'), receiveId: content.subarray(4 + len).toString('utf8') };
}

export function wecomEncrypt(key: Buffer, message: string, receiveId: string, random: Buffer = randomBytes(16)): string {
  const msg = Buffer.from(message, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const body = Buffer.concat([random, len, msg, Buffer.from(receiveId, 'utf8')]);
  const pad = 32 - (body.length % 32);
  const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  c.setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
}

function bad(): UserError {
  return new UserError('bad_wecom_message', 'The callback message cannot be decrypted with this EncodingAESKey.', '无法用该 EncodingAESKey 解密回调消息。', 400);
}
