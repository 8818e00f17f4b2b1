import type { App } from '../../app/context.ts';
import type { Entity } from '../canonical.ts';
import type { Transformed } from '../transform.ts';
import { writeOrders, writeOrderLines } from './orders.ts';
import { writeCustomers, writeStaff } from './customers.ts';
import { writeReference, writeConsents, writeEvents, hasReferenceWriter } from './reference.ts';
import type { WriteResult } from './sql.ts';

/** The writer of each entity, over `<p>_rows` (good rows: no _errors) and `<p>_rc` (row → customer). */
export async function writeEntity(app: App, p: string, entity: Entity, t: Transformed, o: { source: string | null; customersCreated: number }): Promise<WriteResult> {
  switch (entity) {
    case 'orders': return writeOrders(app, p, t.present, t.linePresent, { source: o.source, good: 0 });
    case 'order_lines': return writeOrderLines(app, p, t.present);
    case 'customers': return writeCustomers(app, p, t.present);
    case 'staff': return writeStaff(app, p, t.present);
    case 'consents': return writeConsents(app, p, t.present, { source: o.source });
    case 'events': return writeEvents(app, p, t.present, { source: o.source });
    default:
      if (hasReferenceWriter(entity)) return writeReference(app, p, entity, t.present);
      throw new Error(`no writer for ${entity}`);
  }
}
