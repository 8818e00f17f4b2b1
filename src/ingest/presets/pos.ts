import type { Mapping } from '../mapping.ts';

/**
 * A generic POS (收银系统) bill export: one row per bill (小票 / 销售单), as 银豹, 客如云, 美团收银, 思迅 and the like
 * write them. No vendor's per-bill header is documented (EXPORTS.md 5), so each column lists the names these exports
 * commonly use, most specific first; the first one present and non-empty wins. Dates may be written day first
 * (05/03/2024). A file whose date and time are two
 * columns gets the day only; a mapping file with a template keeps the time (`"ordered_at": "{销售日期} {销售时间}"`,
 * docs/examples/pos-sales-mapping.json).
 */
export const posOrders: Mapping = {
  name: 'pos-orders',
  entity: 'orders',
  columns: {
    order_id: ['销售单号', '小票号', '单据号', '单据编号', '流水号', '账单号', '结账单号', '订单号', '单号'],
    // A 销售时间 / 交易时间 beside a 销售日期 / 交易日期 is usually the time alone: the dates come first so such a file
    // imports (at the day's start) instead of every row failing as `not a date/time`.
    ordered_at: ['结账时间', '下单时间', '单据时间', '销售日期', '交易日期', '单据日期', '日期', '销售时间', '交易时间'],
    gross_amount: ['实收金额', '实收金额(元)', '实收金额（元）', '实收', '实付金额', '支付金额', '销售金额', '应收金额', '应收金额(元)', '应收金额（元）', '金额'],
    discount_amount: ['优惠金额', '优惠金额(元)', '优惠金额（元）', '折扣金额', '折让金额', '优惠'],
    refund_amount: ['退款金额', '退货金额'],
    item_count: ['商品数量', '销售数量', '件数', '数量'],
    store_code: ['门店编码', '门店编号', '门店代码', '店铺编码', '门店名称', '门店', '店铺'],
    staff_code: ['导购工号', '导购编号', '导购编码', '营业员编号', '导购', '导购员', '营业员', '收银员编号', '收银员'],
    coupon_code: ['优惠券码', '券码', '优惠券编码'],
    member_no: ['会员卡号', '会员编号', '会员号', '卡号'],
    phone: ['会员手机号', '会员手机', '会员电话', '手机号', '手机'],
    status: ['单据类型', '销售类型', '单据状态', '订单状态', '状态'],
  },
  values: {
    status: {
      销售: 'completed', 销售单: 'completed', 正常: 'completed', 已结账: 'completed', 已完成: 'completed', 完成: 'completed', 已支付: 'completed',
      退货: 'refunded', 退货单: 'refunded', 退款: 'refunded', 退单: 'refunded', 已退款: 'refunded', 部分退款: 'partially_refunded', 部分退货: 'partially_refunded',
      作废: 'cancelled', 已作废: 'cancelled', 取消: 'cancelled', 已取消: 'cancelled', 反结账: 'cancelled',
      挂单: 'pending', 未结账: 'pending', 待支付: 'pending',
    },
  },
  // Dates written day first (05/03/2024 is 5 March), as POS systems write them; a year-first date (2024/3/5) is read
  // by the built-in forms. No POS writes month first.
  formats: { ordered_at: ['%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%d/%m/%Y', '%d-%m-%Y %H:%M:%S', '%d-%m-%Y %H:%M', '%d-%m-%Y', '%d.%m.%Y'] },
  constants: { channel: 'pos', source: 'pos' },
};
