/**
 * The KPI catalogue (核心指标): each metric's key, zh-CN and English name, and how it is derived from the counts
 * the warehouse returns. docs/metrics.md gives the exact definitions; keep the two in step (a test checks that
 * every key here is documented there).
 */
export interface KpiCounts {
  orders: number; gmv: number; discounts: number; refunds: number; refunded_orders: number;
  customers: number; repeat_customers: number; customer_orders: number; new_customers: number;
  prev_customers: number; churned_customers: number;
  customers_total: number; active_customers: number;
  messages_delivered: number; messages_opened: number; messages_clicked: number; message_recipients: number; message_converted: number;
  content_readers: number; content_sharers: number; content_ordered: number;
  group_members: number; group_active_members: number; group_messages: number;
  coupons_issued: number; coupons_redeemed: number;
  registered: number; registered_ordered: number;
  viewers: number; carters: number; cart_ordered: number;
}

export const KPI_CATALOGUE = [
  ['customers', '下单客户数', 'Customers (ordering)'],
  ['customers_total', '客户总数', 'Customer base'],
  ['new_customers', '新客数', 'New customers'],
  ['active_customers', '活跃客户数', 'Active customers'],
  ['orders', '订单数', 'Orders'],
  ['gmv', '成交总额 GMV', 'GMV'],
  ['discounts', '优惠金额', 'Discounts'],
  ['refunds', '退款金额', 'Refunds'],
  ['net_revenue', '净收入', 'Net revenue'],
  ['aov', '客单价', 'Average order value (AOV)'],
  ['frequency', '购买频次', 'Purchase frequency'],
  ['repurchase_rate', '复购率', 'Repurchase rate'],
  ['arpu', '人均收入 ARPU', 'ARPU'],
  ['churn_rate', '流失率', 'Churn rate'],
  ['refund_rate', '退款率', 'Refund rate'],
  ['refunded_order_rate', '退款订单占比', 'Refunded-order rate'],
  ['coupons_issued', '发券数', 'Coupons issued'],
  ['coupons_redeemed', '核销数', 'Coupons redeemed'],
  ['coupon_redemption_rate', '核销率', 'Coupon redemption rate'],
  ['messages_delivered', '消息送达数', 'Messages delivered'],
  ['message_open_rate', '打开率', 'Message open rate'],
  ['message_click_rate', '点击率', 'Message click rate'],
  ['message_convert_rate', '消息转化率', 'Message conversion rate'],
  ['content_readers', '内容阅读人数', 'Content readers'],
  ['content_share_rate', '阅读→分享率', 'Read → share rate'],
  ['content_order_rate', '阅读→下单率', 'Read → order rate'],
  ['group_members', '社群成员数', 'Group members'],
  ['group_active_members', '社群活跃成员数', 'Active group members'],
  ['group_messages', '社群消息数', 'Group messages'],
  ['group_activity_rate', '社群活跃率', 'Group activity rate'],
  ['registered', '注册人数', 'Registrations'],
  ['registered_to_first_order_rate', '注册→首单转化率', 'Registered → first order rate'],
  ['viewers', '浏览商品人数', 'Product viewers'],
  ['view_to_cart_rate', '浏览→加购率', 'View → cart rate'],
  ['cart_to_order_rate', '加购→下单率', 'Cart → order rate'],
  ['view_to_order_rate', '浏览→下单率', 'View → order rate'],
] as const;

export type KpiKey = (typeof KPI_CATALOGUE)[number][0];
export type KpiValues = Record<KpiKey, number | null>;

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const money = (x: number) => Math.round(x * 100) / 100;

/** The KPI values from the warehouse's counts of one window. Rates are fractions (0–1); null when undefined. */
export function deriveKpis(c: KpiCounts): KpiValues {
  const net = c.gmv - c.discounts - c.refunds;
  return {
    customers: c.customers,
    customers_total: c.customers_total,
    new_customers: c.new_customers,
    active_customers: c.active_customers,
    orders: c.orders,
    gmv: money(c.gmv),
    discounts: money(c.discounts),
    refunds: money(c.refunds),
    net_revenue: money(net),
    aov: ratio(c.gmv, c.orders),
    frequency: ratio(c.customer_orders, c.customers),
    repurchase_rate: ratio(c.repeat_customers, c.customers),
    arpu: ratio(net, c.active_customers),
    churn_rate: ratio(c.churned_customers, c.prev_customers),
    refund_rate: ratio(c.refunds, c.gmv),
    refunded_order_rate: ratio(c.refunded_orders, c.orders),
    coupons_issued: c.coupons_issued,
    coupons_redeemed: c.coupons_redeemed,
    coupon_redemption_rate: ratio(c.coupons_redeemed, c.coupons_issued),
    messages_delivered: c.messages_delivered,
    message_open_rate: ratio(c.messages_opened, c.messages_delivered),
    message_click_rate: ratio(c.messages_clicked, c.messages_delivered),
    message_convert_rate: ratio(c.message_converted, c.message_recipients),
    content_readers: c.content_readers,
    content_share_rate: ratio(c.content_sharers, c.content_readers),
    content_order_rate: ratio(c.content_ordered, c.content_readers),
    group_members: c.group_members,
    group_active_members: c.group_active_members,
    group_messages: c.group_messages,
    group_activity_rate: ratio(c.group_active_members, c.group_members),
    registered: c.registered,
    registered_to_first_order_rate: ratio(c.registered_ordered, c.registered),
    viewers: c.viewers,
    view_to_cart_rate: ratio(c.carters, c.viewers),
    cart_to_order_rate: ratio(c.cart_ordered, c.carters),
    view_to_order_rate: ratio(c.cart_ordered, c.viewers),
  };
}
