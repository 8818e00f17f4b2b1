import { createRequire } from 'node:module';

/** The bulk AES-256-GCM binding (native/aead): one OpenSSL context keyed once, re-initialised per value's IV. */
interface Binding {
  sealMany(key: Buffer, ivs: Buffer, text: Buffer, ends: Uint32Array): string;
}

let binding: Binding | null | undefined;

/**
 * The binding when it was built at install (an optional dependency: without a compiler the install goes on and
 * encryption stays with node:crypto). `SIYU_BULK_SEAL=off` turns it off.
 */
export function bulkSeal(): Binding | null {
  if (binding === undefined) {
    try {
      binding = process.env.SIYU_BULK_SEAL === 'off' ? null : (createRequire(import.meta.url)('siyu-aead') as Binding);
    } catch {
      binding = null;
    }
  }
  return binding;
}

/** base64(iv‖tag‖ct) of each value under its IV (12 bytes each in `ivs`), through the binding. */
export function sealAll(key: Buffer, ivs: Buffer, plaintexts: readonly string[]): string[] {
  const b = bulkSeal();
  if (!b) throw new Error('the bulk AES-GCM binding is not built');
  let bytes = 0;
  for (const p of plaintexts) bytes += Buffer.byteLength(p, 'utf8');
  if (bytes > 0xffffffff) throw new Error('sealAll: more than 4 GiB of text in one call');
  const text = Buffer.allocUnsafe(bytes);
  const ends = new Uint32Array(plaintexts.length);
  let end = 0;
  for (let i = 0; i < plaintexts.length; i++) ends[i] = end += text.write(plaintexts[i], end, 'utf8');
  const all = b.sealMany(key, ivs, text, ends);
  text.fill(0);
  const out = new Array<string>(plaintexts.length);
  let at = 0;
  let start = 0;
  for (let i = 0; i < plaintexts.length; i++) {
    const len = 4 * Math.ceil((28 + ends[i] - start) / 3);
    out[i] = all.slice(at, at + len);
    at += len;
    start = ends[i];
  }
  return out;
}
