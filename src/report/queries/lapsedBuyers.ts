/** Buyers with no order in the $days days up to $to: the audience a proven win-back campaign is rolled out to. */
export const LAPSED_BUYERS = {
  duckdb: `select customer_id from orders
    where workspace_id = $ws and status <> 'cancelled' and customer_id is not null and order_date <= $to::date
    group by customer_id having max(order_date) < $to::date - to_days($days::integer)`,
};
