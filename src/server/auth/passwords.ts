/** Password hashing with scrypt (node:crypto): `scrypt$N$r$p$salt$hash`, compared in constant time. */
import { scrypt as scryptCb, randomBytes, timingSafeEqual, createHash, type ScryptOptions } from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const LEN = 64;

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, LEN, opts, (e, k) => (e ? reject(e) : resolve(k))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !hash) return false;
  const want = Buffer.from(hash, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
  return got.length === want.length && timingSafeEqual(got, want);
}

let dummy: Promise<string> | null = null;

/** A hash of a random secret nobody knows, made once per process with the same parameters as real ones. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomSecret(24));
  return dummy;
}

/**
 * The same scrypt work as a real check, for a user name that does not exist (or a disabled account), so the
 * answer's timing does not tell which names exist. Always false.
 */
export async function verifyNobody(password: string): Promise<false> {
  await verifyPassword(password, await dummyHash());
  return false;
}

/** A random secret for tokens and one-time passwords (URL-safe). */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are long random strings: a SHA-256 is enough to store them. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
