import { MINI_PROGRAM_APPID, type Catalog } from '../model/catalog.ts';
import type { DirtCounter } from '../model/dirt.ts';
import type { Person } from '../model/person.ts';
import type { TruthAccumulator } from '../truth.ts';
import { SHOPIFY_ORDERS_HEADER, YOUZAN_ORDERS_HEADER } from './layouts.ts';
import { SHOPIFY_FILE, YOUZAN_FILE } from './rows.ts';
import { csvRow, type TextSink } from './sink.ts';
import type { XlsxSink } from './xlsx.ts';

/**
 * Malformed rows (坏行), planted mid-file: each one lacks something an import cannot do without (an order id, a
 * readable time or amount, any usable identifier), so a correct importer rejects exactly these rows and nothing
 * else. They only name people who exist (or nobody), so they cannot add people even if a lax importer kept them.
 */
export function writeMalformed(sinks: Record<string, TextSink>, contacts: XlsxSink, cat: Catalog, person: Person, dirt: DirtCounter, truth: TruthAccumulator, perFile: number): void {
  const CRLF = '\r\n';
  const kinds = <T>(xs: T[]) => Array.from({ length: perFile }, (_, k) => xs[k % xs.length]);
  // A member row without a usable identifier is a customer of its own now (docs/import.md), not a reject: the planted
  // member rows carry a time or birthday no one can read, and a masked phone (no join key) so they name nobody.
  for (const [k, reason] of kinds(['bad_time', 'bad_birthday']).entries()) {
    const phone = `${person.phone.slice(0, 3)}****${person.phone.slice(7)}`;
    const birthday = reason === 'bad_birthday' ? '1990-13-45' : '';
    const acquired = reason === 'bad_time' ? '2025-02-30 25:61:00' : '2025-03-01 10:00:00';
    sinks['members.csv'].line(csvRow(['', phone, '', '', '', '', `坏行${k + 1}`, '女', birthday, '上海', '上海市', 'store', acquired, '', '普通', '', '', '']), CRLF);
    truth.malformedRow('members.csv', reason);
  }
  const yz = (h: string) => YOUZAN_ORDERS_HEADER.indexOf(h);
  for (const [k, reason] of kinds(['missing_order_id', 'bad_time', 'bad_amount']).entries()) {
    const v: string[] = new Array(YOUZAN_ORDERS_HEADER.length).fill('');
    v[yz('订单号')] = reason === 'missing_order_id' ? '' : `EBAD${String(k + 1).padStart(6, '0')}`;
    v[yz('销售渠道')] = '线下门店';
    v[yz('订单状态')] = '交易成功';
    const time = reason === 'bad_time' ? '2025-02-30 25:61:00' : '2025-05-05 12:00:00';
    v[yz('订单创建时间')] = time;
    v[yz('买家付款时间')] = time;
    for (const h of ['商品金额合计', '应收订单金额', '订单实付金额', '订单实收金额']) v[yz(h)] = reason === 'bad_amount' ? '—' : '88.00';
    v[yz('买家手机号')] = dirt.phoneAs(YOUZAN_FILE, person.phone, 'plain');
    v[yz('下单网点')] = cat.stores[0].code;
    sinks[YOUZAN_FILE].line(csvRow(v), CRLF);
    truth.malformedRow(YOUZAN_FILE, reason);
  }
  for (let k = 0; k < perFile; k++) {
    sinks['order-lines.csv'].line(csvRow([`EBADLINE${k + 1}`, 1, cat.products[0].sku, 1, '19.00', 'abc', '0.00']), CRLF);
    truth.malformedRow('order-lines.csv', 'bad_amount');
  }
  const sh = (h: string) => SHOPIFY_ORDERS_HEADER.indexOf(h);
  for (let k = 0; k < perFile; k++) {
    const v: string[] = new Array(SHOPIFY_ORDERS_HEADER.length).fill('');
    v[sh('Name')] = `#BAD${k + 1}`;
    v[sh('Created at')] = 'N/A';
    v[sh('Paid at')] = 'N/A';
    v[sh('Total')] = '88.00';
    v[sh('Lineitem quantity')] = '1';
    v[sh('Lineitem sku')] = cat.products[0].sku;
    v[sh('Lineitem price')] = '88.00';
    v[sh('Phone')] = dirt.phoneAs(SHOPIFY_FILE, person.phone, 'shopify_quote');
    sinks[SHOPIFY_FILE].line(csvRow(v), CRLF);
    truth.malformedRow(SHOPIFY_FILE, 'bad_time');
  }
  for (const [k, reason] of kinds(['bad_time', 'missing_type']).entries()) {
    sinks['mini-program-events.jsonl'].line(JSON.stringify({
      event_id: `mp-bad-${k + 1}`, type: reason === 'missing_type' ? null : 'product_view', occurred_at: reason === 'bad_time' ? 'yesterday' : '2025-05-05T12:00:00+08:00',
      openid: person.openid, openid_app: person.openid ? MINI_PROGRAM_APPID : null, unionid: person.unionid, sku: cat.products[0].sku, content_id: null, channel: 'mini_program', properties: {},
    }));
    truth.malformedRow('mini-program-events.jsonl', reason);
  }
  for (let k = 0; k < perFile; k++) {
    sinks['consents.csv'].line(csvRow([person.memberNo, 'marketing_sms', 'maybe', '2025-05-05 12:00:00', 'mini_program', 'privacy_popup_checkbox', 'v2.1']), CRLF);
    truth.malformedRow('consents.csv', 'bad_status');
  }
  for (let k = 0; k < perFile; k++) {
    const s = cat.staff[1];
    contacts.row([person.nick, '', s.name, s.code, cat.stores[s.storeIndex].name, '', '扫描二维码', dirt.phoneAs('wecom-contacts.xlsx', person.phone, 'plain'), '', '', '', '', '', '普通', '其他']);
    truth.malformedRow('wecom-contacts.xlsx', 'missing_added_at');
  }
}
