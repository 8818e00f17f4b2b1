import type { Mapping } from '../mapping.ts';

/**
 * 企业微信 客户联系 → 客户列表 导出 (EXPORTS.md 3a): one row per customer × 添加人 (a customer added by two guides
 * gives two rows, two contact spells). Usually XLSX.
 */
export const wecomContacts: Mapping = {
  name: 'wecom-contacts',
  entity: 'contacts',
  columns: {
    staff_code: ['添加人账号', '所属企微号', '添加人'],
    added_at: '添加时间',
    state: '来源',
    phone: ['手机', '企微手机号', '系统手机', '电话'],
    email: '邮箱',
    external_userid: '企微编号',
    member_no: '客户编号',
  },
  constants: { source: 'wecom' },
};

/**
 * 订单状态 as the report writes it: the long texts (卖家已发货，等待买家确认) with a full-width or an ASCII comma, and
 * the short forms other tools write. 交易关闭 covers both unpaid orders that lapsed and paid ones refunded in full.
 */
const TAOBAO_STATUS: Record<string, string> = {
  交易成功: 'completed', 交易关闭: 'cancelled', 等待买家付款: 'pending',
  ...Object.fromEntries(['买家已付款，等待卖家发货', '卖家已发货，等待买家确认', '卖家部分发货'].flatMap((s) => [[s, 'paid'], [s.replace('，', ','), 'paid']])),
  买家已付款: 'paid', 卖家已发货: 'paid', 等待卖家发货: 'paid', 等待买家确认收货: 'paid',
};

/** 淘宝/天猫 千牛 订单报表 ExportOrderList (EXPORTS.md 4a): GBK, values wrapped as ="…", one row per order. */
export const taobaoOrders: Mapping = {
  name: 'taobao-orders',
  entity: 'orders',
  columns: {
    order_id: '订单编号',
    ordered_at: ['订单创建时间', '订单付款时间'],
    gross_amount: ['买家实际支付金额', '支付金额', '总金额'],
    item_count: '宝贝总数量',
    status: '订单状态',
    phone: ['联系手机', '联系电话'],
    user_id: '买家会员名',
  },
  values: { status: TAOBAO_STATUS },
  constants: { channel: 'ecommerce', source: 'taobao' },
};
