/** A small, known population for the privacy tests: two customers with identifiers, consents and facts. */
import { seedConsents } from './support/consents.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../src/app/context.ts';
import { encrypt, keyedHash } from '../src/domain/privacy/cipher.ts';
import { maskIdentifier, maskName } from '../src/domain/privacy/mask.ts';
import { paths } from '../src/config.ts';

export const PEOPLE = [
  { id: 1, name: '王小明', phone: '+8613812345678', email: 'xiaoming@example.com', staff: 'G01' },
  { id: 2, name: '李华', phone: '+8613987654321', email: 'lihua@example.com', staff: 'G02' },
];

export async function seedPeople(app: App): Promise<void> {
  for (const p of PEOPLE) {
    await app.warehouse.run(
      `insert into customers (workspace_id, id, name_cipher, name_masked, birthday_cipher, birth_year, birth_md, owner_staff_code, status) values (1, $id, $n, $nm, $b, 1990, '05-01', $staff, 'active')`,
      { id: p.id, n: encrypt(app.keys, p.name), nm: maskName(p.name), b: encrypt(app.keys, '1990-05-01'), staff: p.staff },
    );
    for (const [type, v] of [['phone', p.phone], ['email', p.email]] as const) {
      await app.warehouse.run(
        `insert into customer_identifiers (workspace_id, id_type, id_hash, id_cipher, id_masked, customer_id) values (1, $t, $h, $c, $m, $id)`,
        { t: type, h: keyedHash(app.keys, type, v), c: encrypt(app.keys, v), m: maskIdentifier(type, v), id: p.id },
      );
    }
    await seedConsents(app, [{ customerId: p.id, purpose: 'marketing_sms', status: 'granted', changedAt: new Date(), source: 'store' }]);
    for (let k = 0; k < 3; k++) {
      await app.warehouse.run(
        `insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, gross_amount, store_code) values (1, $o, $id, '2025-03-01 10:00', '2025-03-01', 100, 'S1')`,
        { o: `O${p.id}-${k}`, id: p.id },
      );
      await app.warehouse.run(`insert into order_lines (workspace_id, order_id, line_no, sku, amount) values (1, $o, 1, 'TEA', 100)`, { o: `O${p.id}-${k}` });
    }
    await app.warehouse.run(`insert into events (workspace_id, event_id, customer_id, type, occurred_at, event_date) values (1, $e, $id, 'page_view', now(), current_date)`, { e: `E${p.id}`, id: p.id });
    // an anonymous event that carries the person's device hash, not linked by customer id
    await app.warehouse.run(`insert into events (workspace_id, event_id, anonymous_key, type, occurred_at, event_date) values (1, $e, $k, 'page_view', now(), current_date)`, { e: `A${p.id}`, k: keyedHash(app.keys, 'phone', p.phone) });
    await app.warehouse.run(`insert into contact_ownership (workspace_id, customer_id, staff_code, added_at) values (1, $id, $s, now())`, { id: p.id, s: p.staff });
    await app.warehouse.run(`insert into group_members (workspace_id, group_id, customer_id, joined_at) values (1, 'G', $id, now())`, { id: p.id });
    await app.warehouse.run(`insert into coupons (workspace_id, coupon_code, customer_id, value) values (1, $c, $id, 10)`, { c: `C${p.id}`, id: p.id });
  }
  // a merged-away record of person 1
  await app.warehouse.run(`insert into customers (workspace_id, id, status, merged_into) values (1, 3, 'merged', 1)`);
  await app.warehouse.run(`insert into events (workspace_id, event_id, customer_id, type, occurred_at, event_date) values (1, 'E3', 3, 'page_view', now(), current_date)`);
  // a quarantine file naming both (as the importer's encrypted rejects would: hashes), and a plaintext log line
  mkdirSync(paths.quarantine(app.dir), { recursive: true });
  writeFileSync(join(paths.quarantine(app.dir), 'rejects.jsonl'), PEOPLE.map((p) => JSON.stringify({ row: p.id, phone_hash: keyedHash(app.keys, 'phone', p.phone) })).join('\n') + '\n');
}
