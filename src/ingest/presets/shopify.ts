import type { Mapping } from '../mapping.ts';

/**
 * Shopify Orders export (EXPORTS.md 2a): one row per line item; continuation rows repeat `Name` and leave the
 * order fields empty, so the grain is `line` and each row also gives an order line. Financial Status: voided and
 * expired (an authorisation that lapsed) are not revenue, so cancelled. An order cancelled while still pending keeps
 * `pending`: a value map reads one column, and `Cancelled at` is another.
 */
export const shopifyOrders: Mapping = {
  name: 'shopify-orders',
  entity: 'orders',
  grain: 'line',
  columns: {
    order_id: 'Name',
    ordered_at: ['Created at', 'Paid at'],
    gross_amount: 'Total',
    discount_amount: 'Discount Amount',
    refund_amount: 'Refunded Amount',
    coupon_code: 'Discount Code',
    status: 'Financial Status',
    store_code: 'Location',
    staff_code: 'Employee',
    email: 'Email',
    phone: ['Phone', 'Billing Phone', 'Shipping Phone'],
  },
  lines: { sku: ['Lineitem sku', 'Lineitem name'], quantity: 'Lineitem quantity', unit_price: 'Lineitem price' },
  values: { status: { paid: 'paid', partially_paid: 'paid', authorized: 'paid', pending: 'pending', refunded: 'refunded', partially_refunded: 'partially_refunded', voided: 'cancelled', expired: 'cancelled' } },
  constants: { channel: 'ecommerce', source: 'shopify' },
};

/** Shopify Customers export (EXPORTS.md 2b, current and older layouts): yes/no booleans, `'`-prefixed ids and phones. */
export const shopifyCustomers: Mapping = {
  name: 'shopify-customers',
  entity: 'customers',
  columns: {
    user_id: 'Customer ID',
    email: 'Email',
    phone: ['Phone', 'Default Address Phone'],
    city: ['Default Address City', 'City'],
    province: ['Default Address Province Code', 'Province', 'Province Code'],
    tags: 'Tags',
  },
  templates: { name: '{First Name} {Last Name}' },
  traits: { accepts_email_marketing: 'Accepts Email Marketing', accepts_sms_marketing: 'Accepts SMS Marketing', total_spent: 'Total Spent', total_orders: 'Total Orders' },
  constants: { source: 'shopify', acquisition_channel: 'ecommerce' },
};
