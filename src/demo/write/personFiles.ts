import type { Rng } from '../model/random.ts';
import { Calendar, DAY, localDate, localTime } from '../model/calendar.ts';
import { CAMPAIGNS, CITIES, MINI_PROGRAM_APPID, PROVINCE_FULL, type Catalog } from '../model/catalog.ts';
import type { DirtCounter } from '../model/dirt.ts';
import type { Behaviour, Order } from '../model/orders.ts';
import type { Person } from '../model/person.ts';
import type { TruthAccumulator } from '../truth.ts';
import { csvRow, yuan, type TextSink } from './sink.ts';
import type { XlsxSink } from './xlsx.ts';

/** The canonical files: the brand's reference data once, and each person's member records, contacts, groups … */

const CRLF = '\r\n';

export function writeStatic(sinks: Record<string, TextSink>, cat: Catalog, cal: Calendar): void {
  for (const s of cat.stores) {
    const c = CITIES[s.cityIndex];
    sinks['stores.csv'].line(csvRow([s.code, s.name, c.province, c.city, c.tier, s.kind, localDate(s.openedAt)]), CRLF);
  }
  for (const s of cat.staff) sinks['staff.csv'].line(csvRow([s.code, s.name, cat.stores[s.storeIndex].code, s.role, s.code, localDate(s.joinedAt)]), CRLF);
  for (const p of cat.products) sinks['products.csv'].line(csvRow([p.sku, p.name, p.category, p.brand, yuan(p.priceCents), localDate(p.launchedAt)]), CRLF);
  for (const c of cat.content) sinks['content.csv'].line(csvRow([c.id, c.title, c.kind, c.topic, localTime(c.publishedAt)]), CRLF);
  for (const g of cat.groups) sinks['groups.csv'].line(csvRow([g.id, g.name, cat.staff[g.ownerStaff].code, cat.stores[g.storeIndex].code, localTime(g.createdAt), '']), CRLF);
  const wb = CAMPAIGNS.winback;
  const promo = CAMPAIGNS.promo;
  const wbStart = Date.parse('2026-06-01T00:00:00+08:00') / 1000;
  sinks['campaigns.csv'].line(csvRow([promo.id, promo.name, promo.kind, promo.channel, '2025-10-20 10:00:00', '2025-11-12 00:00:00']), CRLF);
  sinks['campaigns.csv'].line(csvRow([wb.id, wb.name, wb.kind, wb.channel, localTime(wbStart), localTime(wbStart + 30 * DAY)]), CRLF);
  void cal;
}

const TIER = (orders: Order[]) => {
  const paid = orders.reduce((s, o) => s + o.paidCents, 0);
  return paid >= 200000 || orders.length >= 8 ? 'VIP' : paid >= 60000 || orders.length >= 3 ? '高级' : '普通';
};
const GENDER = { male: '男', female: '女' } as const;

export function personRows(
  sinks: Record<string, TextSink>, contacts: XlsxSink, person: Person, b: Behaviour, ids: { order: Order; id: string }[],
  cat: Catalog, cal: Calendar, dirt: DirtCounter, rng: Rng, truth: TruthAccumulator,
): void {
  const city = CITIES[person.cityIndex];
  const tier = TIER(b.orders);
  // WeCom contacts: guide QR codes, guides adding store buyers, a few found by phone; sometimes a second guide.
  const added: { staff: number; at: number; source: string }[] = [];
  const guides = (s: number) => cat.stores[s].staff.filter((x) => cat.staff[x].role === 'guide');
  if (person.ownerStaff !== null) added.push({ staff: person.ownerStaff, at: person.acquiredAt, source: '扫描渠道二维码' });
  else if (person.acquisition === 'store' && b.plan && person.homeStore !== null && rng.chance(0.5)) added.push({ staff: rng.pick(guides(person.homeStore)), at: b.plan.times[0] + 600, source: '扫描二维码' });
  else if (rng.chance(0.15)) {
    const at = person.acquiredAt + Math.floor((1 + rng.next() * 60) * DAY);
    if (at < cal.end) added.push({ staff: rng.pick(guides(person.homeStore ?? rng.int(cat.stores.length))), at, source: '搜索手机号' });
  }
  if (added.length && rng.chance(0.05)) {
    const first = added[0];
    const others = cat.stores[cat.staff[first.staff].storeIndex].staff.filter((x) => x !== first.staff);
    const at = first.at + Math.floor((1 + rng.next() * 30) * DAY);
    if (others.length && at < cal.end) added.push({ staff: rng.pick(others), at, source: '名片分享' });
  }
  for (const a of added) {
    const s = cat.staff[a.staff];
    contacts.row([
      rng.chance(0.6) ? person.nick : person.name, '', s.name, s.code, cat.stores[s.storeIndex].name, localTime(a.at), a.source,
      dirt.phone(rng, 'wecom-contacts.xlsx', person.phone), '', person.email && rng.chance(0.3) ? person.email : '', '', '', '', tier, a.source === '扫描渠道二维码' ? '导购二维码' : '其他',
    ]);
  }
  if (added.length) {
    truth.contacts.rows += added.length;
    truth.contacts.people++;
    if (added.length > 1) truth.contacts.people_with_two_guides++;
  }
  const owner = added.length ? cat.staff[added[0].staff].code : '';
  const home = person.homeStore !== null ? cat.stores[person.homeStore].code : '';
  const place = (full: string, short: string, pBlank: number) => dirt.place(rng, 'members.csv', short, full, 0.5, pBlank);
  sinks['members.csv'].line(csvRow([
    person.memberNo, dirt.phone(rng, 'members.csv', person.phone), person.email ?? '', person.unionid ?? '', person.openid ?? '', person.openid ? MINI_PROGRAM_APPID : '',
    person.name, rng.chance(0.1) ? '' : GENDER[person.gender], person.birthday ?? '',
    place(PROVINCE_FULL[city.province], city.province, 0), place(`${city.city}市`, city.city, 0.05),
    person.acquisition, localTime(person.acquiredAt), localTime(person.acquiredAt + 120 + rng.int(3600)), tier, owner, home, '',
  ]), CRLF);
  for (const x of person.extraRecords) {
    const viaPhone = x.via === 'phone';
    sinks['members.csv'].line(csvRow([
      x.memberNo, viaPhone ? dirt.phone(rng, 'members.csv', person.phone) : '', '', viaPhone ? '' : person.unionid, '', '',
      rng.chance(0.5) ? person.nick : person.name, '', '', '', rng.chance(0.5) ? place(`${city.city}市`, city.city, 0.3) : '',
      x.memberNo.startsWith('POS') ? 'store' : 'mini_program', '', localTime(Math.min(cal.end - 1, person.acquiredAt + Math.floor(rng.next() * 200 * DAY))), '普通', '', '', '',
    ]), CRLF);
  }
  for (const c of person.consents) {
    sinks['consents.csv'].line(csvRow([person.memberNo, c.purpose, c.status, localTime(c.at), c.purpose === 'guardian' ? 'store_form' : 'mini_program', c.status === 'granted' ? 'privacy_popup_checkbox' : 'settings_toggle', 'v2.1']), CRLF);
  }
  if (b.plan?.group) {
    const g = b.plan.group;
    sinks['group-members.csv'].line(csvRow([cat.groups[g.index].id, person.unionid ?? '', person.unionid ? '' : dirt.phone(rng, 'group-members.csv', person.phone), localTime(g.joinedAt), g.leftAt ? localTime(g.leftAt) : '']), CRLF);
  }
  if (b.winback) sinks['campaign-members.csv'].line(csvRow([CAMPAIGNS.winback.id, person.memberNo, b.winback.arm, localTime(b.winback.assignedAt)]), CRLF);
  for (const c of b.coupons) {
    const orderId = c.orderIndex !== null ? ids.find((x) => x.order === b.orders[c.orderIndex!])?.id ?? '' : '';
    sinks['coupons.csv'].line(csvRow([c.code, c.campaignId, person.memberNo, yuan(c.valueCents), localTime(c.issuedAt), localTime(c.expiresAt), c.redeemedAt !== null ? localTime(c.redeemedAt) : '', orderId]), CRLF);
  }
}
