import type { App } from '../../app/context.ts';
import { cols, GOOD, EXISTING, changed, changedJoiningCustomers, type WriteResult } from './sql.ts';

/**
 * Orders (and, with a `lines` mapping, their order lines) into the warehouse, idempotent by order id: a row whose
 * order already exists changes nothing. With grain `line` several rows make one order; its fields come from the
 * first row carrying them and item_count defaults to the sum of line quantities.
 */
export async function writeOrders(app: App, p: string, present: Set<string>, linePresent: Set<string>, o: { source: string | null; good: number }): Promise<WriteResult> {
  const c = cols(present);
  const lines = linePresent.size > 0;
  const itemCount = c.has('item_count') ? c.typed('item_count') : lines && linePresent.has('quantity') ? `(sum(r.t_line_quantity) over (partition by r.order_id))::integer` : 'null';
  // Orders whose id repeats in the file (grain `line`, or a duplicated row) keep their first row; a file without
  // repeats skips that window (a sort of the whole file).
  const orders = await app.warehouse.scalar(`select count(distinct order_id) from ${p}_rows r where ${GOOD}`);
  const good = await app.warehouse.scalar(`select count(*) from ${p}_rows r where ${GOOD}`);
  const firstRow = orders === good ? '' : 'qualify row_number() over (partition by r.order_id order by r._row) = 1';
  const imported = await changedJoiningCustomers(
    app.warehouse,
    `insert into orders (workspace_id, order_id, customer_id, ordered_at, order_date, channel, store_code, staff_code, coupon_code, campaign_id,
                         status, gross_amount, discount_amount, refund_amount, item_count, source)
     select $ws, r.order_id, rc.customer_id, r.t_ordered_at, r.d_ordered_at, ${c.raw('channel')}, ${c.raw('store_code')}, ${c.raw('staff_code')},
            ${c.raw('coupon_code')}, ${c.raw('campaign_id')}, coalesce(siyu_order_status(${c.raw('status')}), lower(${c.raw('status')}), 'paid'), r.t_gross_amount,
            coalesce(${c.typed('discount_amount')}, 0), coalesce(${c.typed('refund_amount')}, 0), ${itemCount}, coalesce(${c.raw('source')}, $source)
     from ${p}_rows r left join ${p}_rc rc using (_row) anti join ${EXISTING('order_id', 'orders')} x on x.order_id = r.order_id
     where ${GOOD}
     ${firstRow}`,
    { ws: app.workspaceId, source: o.source },
  );
  let orderLines = 0;
  if (lines) {
    const l = cols(new Set([...linePresent].map((x) => `line_${x}`)));
    orderLines = await changed(
      app.warehouse,
      `insert into order_lines (workspace_id, order_id, line_no, sku, quantity, unit_price, amount, refund_amount)
       select * from (
         select $ws as ws, r.order_id, row_number() over (partition by r.order_id order by r._row) as line_no, ${l.raw('line_sku')},
                coalesce(${l.typed('line_quantity')}, 1), ${l.typed('line_unit_price')},
                coalesce(${l.typed('line_amount')}, ${l.typed('line_unit_price')} * coalesce(${l.typed('line_quantity')}, 1), 0), coalesce(${l.typed('line_refund_amount')}, 0)
         from ${p}_rows r where ${GOOD}) n
       anti join ${EXISTING('order_id, line_no', 'order_lines')} x on x.order_id = n.order_id and x.line_no = n.line_no`,
      { ws: app.workspaceId },
    );
  }
  return { imported, unchanged: orders - imported, orderLines };
}

/** Order lines from their own file, idempotent by (order id, line number). */
export async function writeOrderLines(app: App, p: string, present: Set<string>): Promise<WriteResult> {
  const c = cols(present);
  // Without a line_no column, lines are numbered 1, 2, … in file order within their order (computed first: a
  // window cannot appear inside another window's partition).
  const lineNo = c.has('line_no') ? 'r.t_line_no' : 'row_number() over (partition by r.order_id order by r._row)';
  const imported = await changed(
    app.warehouse,
    `insert into order_lines (workspace_id, order_id, line_no, sku, quantity, unit_price, amount, refund_amount)
     select ws, order_id, line_no, sku, quantity, unit_price, amount, refund_amount from (
       select *, row_number() over (partition by order_id, line_no order by _row) as _first from (
         select $ws as ws, r._row, r.order_id, ${lineNo} as line_no, ${c.raw('sku')} as sku, coalesce(${c.typed('quantity')}, 1) as quantity, ${c.typed('unit_price')} as unit_price,
                coalesce(${c.typed('amount')}, ${c.typed('unit_price')} * coalesce(${c.typed('quantity')}, 1)) as amount, coalesce(${c.typed('refund_amount')}, 0) as refund_amount
         from ${p}_rows r where ${GOOD})) n
     anti join ${EXISTING('order_id, line_no', 'order_lines')} x on x.order_id = n.order_id and x.line_no = n.line_no
     where _first = 1`,
    { ws: app.workspaceId },
  );
  const good = await app.warehouse.scalar(`select count(*) from ${p}_rows r where ${GOOD}`);
  return { imported, unchanged: good - imported };
}
