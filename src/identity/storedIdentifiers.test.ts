import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp } from '../app/context.ts';
import { importFiles } from '../ingest/index.ts';
import { decrypt, keyedHash } from '../domain/privacy/cipher.ts';
import { maskIdentifier } from '../domain/privacy/mask.ts';
import type { IdType } from '../domain/privacy/normalize.ts';

// Several pages of new identifiers (the encryption reads 50,000 at a time), so that a ciphertext put on the wrong
// row — the ciphertexts are joined back to their identifiers by position — would show.
test('every stored identifier: its ciphertext decrypts to the value its hash and mask were made from, on its customer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'siyu-ids-'));
  const app = await openApp({ dir: join(dir, 'store') });
  try {
    const n = 60_000;
    const lines = ['member_no,phone'];
    for (let i = 0; i < n; i++) lines.push(`m${i},1380${String(i).padStart(7, '0')}`);
    const file = join(dir, 'customers.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const s = await importFiles(app, { entity: 'customers', files: [file] });
    assert.deepEqual([s.imported, s.identity.customersCreated, s.identity.identifiersAdded], [n, n, 2 * n]);

    const rows = await app.warehouse.all<{ id_type: IdType; id_hash: string; id_cipher: string; id_masked: string; customer_id: number }>(
      `select id_type, id_hash, id_cipher, id_masked, customer_id from customer_identifiers`,
    );
    assert.equal(rows.length, 2 * n);
    const customerOfMember = new Map<string, number>();
    const customerOfPhone = new Map<string, number>();
    for (const r of rows) {
      const plain = decrypt(app.keys, r.id_cipher);
      assert.equal(r.id_hash, keyedHash(app.keys, r.id_type, plain), `hash of ${r.id_masked}`);
      assert.equal(r.id_masked, maskIdentifier(r.id_type, plain));
      (r.id_type === 'member_no' ? customerOfMember : customerOfPhone).set(plain, r.customer_id);
    }
    // Row i's member number and phone belong to one customer, and no two rows share one.
    const customers = new Set<number>();
    for (let i = 0; i < n; i++) {
      const c = customerOfMember.get(`M${i}`);
      assert.equal(customerOfPhone.get(`+861380${String(i).padStart(7, '0')}`), c, `row ${i}`);
      customers.add(c!);
    }
    assert.equal(customers.size, n);
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
