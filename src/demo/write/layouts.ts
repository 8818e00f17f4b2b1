/**
 * The real export layouts the demo writes (headers exactly as in shared/formats/EXPORTS.md).
 */

/** 有赞 订单导出, 订单维度 (EXPORTS.md 1a): 60 columns, `分销员` twice. Written as GBK CSV (the POS export). */
export const YOUZAN_ORDERS_HEADER = '订单号,销售渠道,归属店铺,订单类型,订单状态,推广方式,订单来源,订单创建时间,买家付款时间,交易成功时间,付款方式,支付流水号,商品金额合计,运费,店铺优惠合计,应收订单金额,订单实付金额,支付优惠合计,订单实收金额,订单抵用积分数,店铺优惠方式,支付优惠方式,全部商品名称,商品种类数,订单配送方式,同城送达时间/提货时间,收货人省份,收货人城市,收货人地区,详细收货地址/提货地址,收货人/提货人,收货人手机号/提货人手机号,买家备注,订单星级,买家昵称,买家是否会员,买家手机号,下单网点,收银员,分销员,销售导购,专属导购,订单退款状态,订单已退款金额,商家订单备注,桌号,挂账主体,挂账手机号,团长订单,订单风险标签,分销员,分销员手机号,分销员所属店铺,分销员所属团队,分销员所属分组,分销员等级,订单佣金类型,订单佣金金额,订单下级卖货提成类型,订单下级卖货提成金额'.split(',');

/** Shopify Orders export (EXPORTS.md 2a): one row per line item. Written as UTF-8 with BOM. */
export const SHOPIFY_ORDERS_HEADER = 'Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References'.split(',');

/** 企业微信 客户联系 → 客户列表 导出 (EXPORTS.md 3a): fixed columns, then one column per 企业标签 group. XLSX. */
export const WECOM_CONTACTS_FIXED = '客户名称,描述,添加人,添加人账号,添加人所属部门,添加时间,来源,手机,企业,邮箱,地址,职务,电话'.split(',');
export const WECOM_CONTACTS_HEADER = [...WECOM_CONTACTS_FIXED, '标签组1(会员等级)', '标签组2(来源)'];

/** Canonical files (src/ingest/canonical.ts names), in the order the demo writes their columns. */
export const CANONICAL_HEADERS = {
  stores: ['code', 'name', 'province', 'city', 'city_tier', 'kind', 'opened_at'],
  staff: ['code', 'name', 'store_code', 'role', 'wecom_userid', 'joined_at'],
  products: ['sku', 'name', 'category', 'brand', 'price', 'launched_at'],
  customers: ['member_no', 'phone', 'email', 'unionid', 'openid', 'openid_app', 'name', 'gender', 'birthday', 'province', 'city', 'acquisition_channel', 'acquired_at', 'registered_at', 'member_tier', 'owner_staff_code', 'home_store_code', 'tags'],
  order_lines: ['order_id', 'line_no', 'sku', 'quantity', 'unit_price', 'amount', 'refund_amount'],
  groups: ['group_id', 'name', 'owner_staff_code', 'store_code', 'created_at', 'dismissed_at'],
  group_members: ['group_id', 'unionid', 'phone', 'joined_at', 'left_at'],
  content: ['content_id', 'title', 'kind', 'topic', 'published_at'],
  campaigns: ['campaign_id', 'name', 'kind', 'channel', 'started_at', 'ended_at'],
  campaign_members: ['campaign_id', 'member_no', 'arm', 'assigned_at'],
  coupons: ['coupon_code', 'campaign_id', 'member_no', 'value', 'issued_at', 'expires_at', 'redeemed_at', 'order_id'],
  consents: ['member_no', 'purpose', 'status', 'changed_at', 'source', 'evidence', 'policy_version'],
} as const;

/** The files of a demo brand, in loading order: what `siyu demo` imports and with which preset. */
export const DEMO_FILES = [
  { file: 'stores.csv', entity: 'stores' },
  { file: 'staff.csv', entity: 'staff' },
  { file: 'products.csv', entity: 'products' },
  { file: 'members.csv', entity: 'customers' },
  { file: 'wecom-contacts.xlsx', entity: 'contacts', map: 'wecom-contacts' },
  { file: 'pos-orders-youzan.csv', entity: 'orders', map: 'youzan-orders' },
  { file: 'order-lines.csv', entity: 'order_lines' },
  { file: 'shop-orders-shopify.csv', entity: 'orders', map: 'shopify-orders' },
  { file: 'mini-program-events.jsonl', entity: 'events' },
  { file: 'content.csv', entity: 'content' },
  { file: 'groups.csv', entity: 'groups' },
  { file: 'group-members.csv', entity: 'group_members' },
  { file: 'campaigns.csv', entity: 'campaigns' },
  { file: 'campaign-members.csv', entity: 'campaign_members' },
  { file: 'coupons.csv', entity: 'coupons' },
  { file: 'consents.csv', entity: 'consents' },
] as const;
