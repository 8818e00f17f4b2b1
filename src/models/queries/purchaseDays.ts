/**
 * Purchase days (购买日) per customer: the models count a customer's orders on one local day as one transaction
 * with the day's value summed (gross paid amount less refunds), over orders matched to a customer that were not
 * cancelled or fully refunded, on or before $end. Shared by the summaries below.
 */
export const PURCHASE_DAYS = {
  duckdb: `select customer_id, order_date as d, sum(gross_amount - refund_amount)::double as value
      from orders
      where workspace_id = $ws and customer_id is not null and status not in ('cancelled', 'refunded')
        and order_date <= $end::date
      group by customer_id, order_date`,
  clickhouse: `select customer_id, order_date as d, toFloat64(sum(gross_amount - refund_amount)) as value
      from orders
      where workspace_id = {ws:Int32} and customer_id is not null and status not in ('cancelled', 'refunded')
        and order_date <= toDate({end:String})
      group by customer_id, order_date`,
};

/** Per customer: x = purchase days − 1, t_x and T in days from the first purchase day (to the last, to $end). */
export const PER_CUSTOMER = {
  duckdb: `select customer_id, count(*) - 1 as x,
        date_diff('day', min(d), max(d)) as tx_days,
        date_diff('day', min(d), $end::date) as t_days,
        coalesce((sum(value) - arg_min(value, d)) / nullif(count(*) - 1, 0), 0) as zbar
      from (${PURCHASE_DAYS.duckdb}) days
      group by customer_id`,
  clickhouse: `select customer_id, count() - 1 as x,
        dateDiff('day', min(d), max(d)) as tx_days,
        dateDiff('day', min(d), toDate({end:String})) as t_days,
        if(count() > 1, (sum(value) - argMin(value, d)) / (count() - 1), 0) as zbar
      from (${PURCHASE_DAYS.clickhouse}) days
      group by customer_id`,
};
