import type { Mapping } from '../mapping.ts';

/** 有赞 订单导出, 订单维度 (EXPORTS.md 1a): one row per order; also carries 有赞零售 POS orders (下单网点, 收银员). */
export const youzanOrders: Mapping = {
  name: 'youzan-orders',
  entity: 'orders',
  columns: {
    order_id: '订单号',
    ordered_at: ['订单创建时间', '买家付款时间'],
    gross_amount: ['订单实付金额', '应收订单金额', '订单实收金额'],
    discount_amount: '店铺优惠合计',
    refund_amount: '订单已退款金额',
    item_count: '商品种类数',
    status: '订单状态',
    channel: '销售渠道',
    store_code: '下单网点',
    staff_code: ['销售导购', '专属导购', '收银员'],
    phone: ['买家手机号', '收货人手机号/提货人手机号'],
  },
  values: {
    status: { 交易成功: 'completed', 交易完成: 'completed', 已完成: 'completed', 待发货: 'paid', 已发货: 'paid', 已付款: 'paid', 待成团: 'paid', 待接单: 'paid', 交易关闭: 'cancelled', 已关闭: 'cancelled', 已取消: 'cancelled', 待付款: 'pending', 已退款: 'refunded', 部分退款: 'partially_refunded' },
    channel: { 线下门店: 'pos', 门店: 'pos', 有赞零售: 'pos', 收银台: 'pos', 微商城: 'mini_program', 小程序: 'mini_program', 微信小程序: 'mini_program', 有赞微商城: 'mini_program', 直播: 'live_stream', 视频号: 'live_stream', 公众号: 'official_account', 企业微信: 'wecom' },
  },
  constants: { source: 'youzan' },
};

/** 有赞 客户/会员导出 (EXPORTS.md 1c): one row per customer; the phone may be masked (not a join key then). */
export const youzanCustomers: Mapping = {
  name: 'youzan-customers',
  entity: 'customers',
  columns: {
    name: ['客户姓名', '客户昵称'],
    phone: '客户手机号',
    birthday: '客户生日',
    gender: '客户性别',
    tags: '标签',
    member_tier: ['付费等级', '免费等级'],
    acquisition_channel: '来源渠道',
    acquired_at: '成为客户时间',
    registered_at: '成为会员时间',
    owner_staff_code: '导购员',
    province: '微信地域',
    city: '所属区域',
  },
  values: { acquisition_channel: { 微信小程序: 'mini_program', 有赞后台: 'import', 线下门店: 'pos', 企业微信: 'wecom', 公众号: 'official_account' } },
  constants: { source: 'youzan' },
};

/**
 * 有赞 订单导出, 商品维度 (EXPORTS.md 1b): one row per item, imported as order_lines (the 订单维度 file gives the
 * orders). The SKU is the 规格编码, else the 商品编码, else the item's name; the amount is what was paid for the line
 * (商品实际成交金额, after the shop's discount share), the unit price the list price.
 */
export const youzanOrderLines: Mapping = {
  name: 'youzan-order-lines',
  entity: 'order_lines',
  columns: {
    order_id: '订单号',
    sku: ['规格编码', '商品编码', '商品名称'],
    quantity: '商品数量',
    unit_price: '商品单价',
    amount: ['商品实际成交金额', '商品金额小计'],
    refund_amount: '商品已退款金额',
  },
  constants: { source: 'youzan' },
};
