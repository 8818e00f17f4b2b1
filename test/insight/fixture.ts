import type { App } from '../../src/app/context.ts';

export interface O { id: string; c: number | null; d: string; amt: number; ch?: string; status?: string; disc?: number; refund?: number; store?: string; staff?: string; hour?: number }

/** Inserts orders as the importer would (local day + UTC time), for specifications with exact numbers. */
export async function addOrders(app: App, orders: O[]): Promise<void> {
  for (const o of orders) {
    await app.warehouse.run(
      `insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, channel, store_code, staff_code, status, gross_amount, discount_amount, refund_amount)
       values (1, $id, $c, $d::timestamp + to_hours($h::integer) - interval 8 hour, $d::date, $ch, $store, $staff, $st, $amt, $disc, $refund)`,
      { id: o.id, c: o.c, d: o.d, h: o.hour ?? 12, ch: o.ch ?? 'mini_program', store: o.store ?? null, staff: o.staff ?? null, st: o.status ?? 'paid', amt: o.amt, disc: o.disc ?? 0, refund: o.refund ?? 0 },
    );
  }
}

export async function addCustomers(app: App, rows: { id: number; city?: string; registered?: string; gender?: string; birthYear?: number; channel?: string; tier?: string; staff?: string }[]): Promise<void> {
  for (const r of rows) {
    await app.warehouse.run(
      `insert into customers (workspace_id, id, city, registered_at, gender, birth_year, acquisition_channel, member_tier, owner_staff_code)
       values (1, $id, $city, $reg::timestamp - interval 8 hour, $g, $by, $ch, $tier, $staff)`,
      { id: r.id, city: r.city ?? null, reg: r.registered ?? null, g: r.gender ?? 'unknown', by: r.birthYear ?? null, ch: r.channel ?? null, tier: r.tier ?? null, staff: r.staff ?? null },
    );
  }
}

export async function addEvents(app: App, rows: { c: number | null; type: string; d: string; hour?: number; props?: Record<string, unknown> }[]): Promise<void> {
  let i = 0;
  for (const e of rows) {
    await app.warehouse.run(
      `insert into events (workspace_id, event_id, customer_id, type, occurred_at, event_date, properties)
       values (1, $id, $c, $t, $d::timestamp + to_hours($h::integer) - interval 8 hour, $d::date, $p::json)`,
      { id: `e${Date.now()}-${i++}-${Math.random()}`, c: e.c, t: e.type, d: e.d, h: e.hour ?? 12, p: JSON.stringify(e.props ?? {}) },
    );
  }
}

/** The small shop of the specifications: 5 customers, 8 orders (one cancelled, one orphan). */
export async function smallShop(app: App): Promise<void> {
  await addCustomers(app, [
    { id: 1, city: '杭州' }, { id: 2, city: '杭州' }, { id: 3, city: '上海' }, { id: 4, city: '杭州' },
    { id: 5, city: '杭州', registered: '2024-02-01' },
  ]);
  await addOrders(app, [
    { id: 'a1', c: 1, d: '2024-01-05', amt: 100, ch: 'pos' },
    { id: 'a2', c: 1, d: '2024-02-10', amt: 50, ch: 'pos' },
    { id: 'a3', c: 1, d: '2024-03-01', amt: 30, ch: 'pos' },
    { id: 'a4', c: 1, d: '2024-03-02', amt: 999, ch: 'pos', status: 'cancelled' },
    { id: 'b1', c: 2, d: '2024-01-20', amt: 200 },
    { id: 'c1', c: 3, d: '2024-02-03', amt: 80, disc: 5 },
    { id: 'c2', c: 3, d: '2024-02-25', amt: 20, refund: 20, status: 'refunded' },
    { id: 'd1', c: 4, d: '2024-03-15', amt: 60 },
    { id: 'x1', c: null, d: '2024-02-14', amt: 40, ch: 'pos' },
  ]);
}
