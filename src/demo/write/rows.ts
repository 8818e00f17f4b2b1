import type { Rng } from '../model/random.ts';
import { localTime, shopifyTime } from '../model/calendar.ts';
import { BRAND, CITIES, PROVINCE_FULL, type Catalog } from '../model/catalog.ts';
import type { DirtCounter } from '../model/dirt.ts';
import type { Order } from '../model/orders.ts';
import type { Person } from '../model/person.ts';
import { YOUZAN_ORDERS_HEADER, SHOPIFY_ORDERS_HEADER } from './layouts.ts';
import { yuan } from './sink.ts';

/** Rows of the raw channel exports, built from one person's orders. Column positions follow layouts.ts. */

const YZ_INDEX = new Map<string, number>();
YOUZAN_ORDERS_HEADER.forEach((h, i) => {
  if (!YZ_INDEX.has(h)) YZ_INDEX.set(h, i);
});
const SH_INDEX = new Map(SHOPIFY_ORDERS_HEADER.map((h, i) => [h, i]));

const YZ_CHANNEL: Record<string, string> = { pos: '线下门店', mini_program: '微商城', live_stream: '直播', wecom: '企业微信' };
const YZ_SOURCE: Record<string, string> = { pos: '门店收银', mini_program: '微信小程序', live_stream: '视频号直播', wecom: '导购助手' };

export const YOUZAN_FILE = 'pos-orders-youzan.csv';
export const SHOPIFY_FILE = 'shop-orders-shopify.csv';

/** 有赞 订单维度 row (one per order). Staff columns carry the staff number (工号), never a person's name. */
export function youzanRow(o: Order, id: string, person: Person, cat: Catalog, dirt: DirtCounter, rng: Rng): string[] {
  const v: string[] = new Array(YOUZAN_ORDERS_HEADER.length).fill('');
  const set = (h: string, x: string | number) => (v[YZ_INDEX.get(h)!] = String(x));
  const offline = o.channel === 'pos';
  const city = CITIES[person.cityIndex];
  const discount = o.grossCents - o.paidCents;
  set('订单号', id);
  set('销售渠道', YZ_CHANNEL[o.channel]);
  set('归属店铺', o.store !== null ? cat.stores[o.store].name : `${BRAND}官方旗舰店`);
  set('订单类型', '普通订单');
  set('订单状态', o.status === 'refunded' ? '已退款' : '交易成功');
  set('订单来源', YZ_SOURCE[o.channel]);
  set('订单创建时间', localTime(o.at));
  set('买家付款时间', localTime(o.at + 5 + rng.int(60)));
  set('交易成功时间', localTime(o.at + (offline ? 30 : 3 * 86400 + rng.int(86400))));
  set('付款方式', rng.chance(0.85) ? '微信支付' : '支付宝');
  set('支付流水号', `4200${String(o.at).slice(-9)}${id.slice(-8)}`);
  set('商品金额合计', yuan(o.grossCents));
  set('运费', '0.00');
  set('店铺优惠合计', yuan(discount));
  set('应收订单金额', yuan(o.paidCents));
  set('订单实付金额', yuan(o.paidCents));
  set('支付优惠合计', '0.00');
  set('订单实收金额', yuan(o.paidCents));
  set('订单抵用积分数', 0);
  set('店铺优惠方式', o.couponCode ? '优惠券' : discount > 0 ? '满减' : '');
  set('全部商品名称', o.lines.map((l) => cat.products[l.product].name).join(';'));
  set('商品种类数', o.lines.length);
  set('订单配送方式', offline ? '门店自提' : '快递发货');
  if (!offline) {
    set('收货人省份', dirt.place(rng, YOUZAN_FILE, city.province, PROVINCE_FULL[city.province], 0.5, 0));
    set('收货人城市', dirt.place(rng, YOUZAN_FILE, city.city, `${city.city}市`, 0.5, 0.02));
    set('详细收货地址/提货地址', `${rng.pick(['人民路', '中山路', '解放路', '建设路', '和平路'])}${1 + rng.int(300)}号`);
    set('收货人/提货人', person.name);
    set('收货人手机号/提货人手机号', dirt.phone(rng, YOUZAN_FILE, person.phone));
  }
  set('订单星级', '');
  set('买家昵称', person.nick);
  set('买家是否会员', '是');
  set('买家手机号', dirt.phone(rng, YOUZAN_FILE, person.phone));
  if (o.store !== null && offline) set('下单网点', cat.stores[o.store].code);
  if (o.cashier !== null) set('收银员', cat.staff[o.cashier].code);
  if (o.staff !== null) set('销售导购', cat.staff[o.staff].code);
  if (person.ownerStaff !== null) set('专属导购', cat.staff[person.ownerStaff].code);
  set('订单退款状态', o.status === 'refunded' ? '全额退款' : o.status === 'partially_refunded' ? '部分退款' : '');
  set('订单已退款金额', yuan(o.refundCents));
  set('订单风险标签', '——');
  return v;
}

/** Shopify rows of one order: the first carries the order fields, continuation rows repeat Name and the line. */
export function shopifyRows(o: Order, name: string, numericId: number, person: Person, cat: Catalog, dirt: DirtCounter, rng: Rng): string[][] {
  const city = CITIES[person.cityIndex];
  const rows: string[][] = [];
  const financial = o.status === 'refunded' ? 'refunded' : o.status === 'partially_refunded' ? 'partially_refunded' : 'paid';
  o.lines.forEach((l, k) => {
    const v: string[] = new Array(SHOPIFY_ORDERS_HEADER.length).fill('');
    const set = (h: string, x: string | number) => (v[SH_INDEX.get(h)!] = String(x));
    const p = cat.products[l.product];
    set('Name', name);
    set('Lineitem quantity', l.quantity);
    set('Lineitem name', p.name);
    set('Lineitem price', yuan(l.unitCents));
    set('Lineitem sku', p.sku);
    set('Lineitem requires shipping', 'true');
    set('Lineitem taxable', 'false');
    set('Lineitem fulfillment status', 'fulfilled');
    set('Lineitem discount', '0.00');
    if (k === 0) {
      const billingPhone = dirt.phoneAs(SHOPIFY_FILE, person.phone, 'shopify_quote');
      set('Email', person.email ?? '');
      set('Financial Status', financial);
      set('Paid at', shopifyTime(o.at + 3));
      set('Fulfillment Status', 'fulfilled');
      set('Fulfilled at', shopifyTime(o.at + 86400 + rng.int(86400)));
      set('Accepts Marketing', rng.chance(0.4) ? 'yes' : 'no');
      set('Currency', 'CNY');
      set('Subtotal', yuan(o.grossCents));
      set('Shipping', '0.00');
      set('Taxes', '0.00');
      set('Total', yuan(o.paidCents));
      set('Discount Code', o.couponCode ?? '');
      set('Discount Amount', yuan(o.grossCents - o.paidCents));
      set('Shipping Method', '顺丰速运');
      set('Created at', shopifyTime(o.at));
      set('Billing Name', person.name);
      set('Billing Address1', `${rng.pick(['人民路', '中山路', '解放路'])}${1 + rng.int(300)}号`);
      set('Billing City', dirt.place(rng, SHOPIFY_FILE, city.city, `${city.city}市`, 0.5, 0.02));
      set('Billing Province', city.province);
      set('Billing Country', 'CN');
      set('Billing Phone', billingPhone);
      set('Shipping Name', person.name);
      set('Shipping City', city.city);
      set('Shipping Province', city.province);
      set('Shipping Country', 'CN');
      set('Payment Method', rng.chance(0.7) ? 'WeChat Pay' : 'Alipay');
      set('Refunded Amount', yuan(o.refundCents));
      set('Vendor', p.brand);
      set('Outstanding Balance', '0.00');
      set('Id', numericId);
      set('Risk Level', 'Low');
      set('Source', 'web');
      set('Phone', billingPhone);
      set('Billing Province Name', PROVINCE_FULL[city.province]);
      set('Shipping Province Name', PROVINCE_FULL[city.province]);
    }
    rows.push(v);
  });
  return rows;
}
