import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Calendar, isoLocal, localTime } from './model/calendar.ts';
import { buildCatalog, MINI_PROGRAM_APPID } from './model/catalog.ts';
import { DirtCounter } from './model/dirt.ts';
import { eventsOf } from './model/events.ts';
import { behaviourOf } from './model/orders.ts';
import { DEFAULT_PARAMS, type DemoParams } from './model/params.ts';
import { makePerson } from './model/person.ts';
import { Rng } from './model/random.ts';
import { TruthAccumulator } from './truth.ts';
import { CANONICAL_HEADERS, SHOPIFY_ORDERS_HEADER, WECOM_CONTACTS_HEADER, YOUZAN_ORDERS_HEADER } from './write/layouts.ts';
import { SHOPIFY_FILE, YOUZAN_FILE, shopifyRows, youzanRow } from './write/rows.ts';
import { csvRow, TextSink, yuan, type TextEncoding } from './write/sink.ts';
import { XlsxSink } from './write/xlsx.ts';
import { writeStatic, personRows } from './write/personFiles.ts';
import { writeMalformed } from './write/malformed.ts';

/**
 * `siyu demo` generation: streams customers one at a time (memory bounded at any scale) into the raw channel
 * exports and canonical files, and accumulates truth.json. Same seed and size → byte-identical files.
 */
export interface GenerateOptions { customers: number; seed: number; out: string; params?: DemoParams; onProgress?: (done: number, total: number) => void }
export interface GenerateResult { out: string; truth: any; rows: number; seconds: number }

export type Sinks = Record<string, TextSink>;

const TEXT_FILES: Record<string, { encoding: TextEncoding; header?: readonly string[] }> = {
  'stores.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.stores },
  'staff.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.staff },
  'products.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.products },
  'members.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.customers },
  [YOUZAN_FILE]: { encoding: 'gbk', header: YOUZAN_ORDERS_HEADER },
  'order-lines.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.order_lines },
  [SHOPIFY_FILE]: { encoding: 'utf8-bom', header: SHOPIFY_ORDERS_HEADER },
  'mini-program-events.jsonl': { encoding: 'utf8' },
  'content.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.content },
  'groups.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.groups },
  'group-members.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.group_members },
  'campaigns.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.campaigns },
  'campaign-members.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.campaign_members },
  'coupons.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.coupons },
  'consents.csv': { encoding: 'utf8', header: CANONICAL_HEADERS.consents },
};
export const CONTACTS_FILE = 'wecom-contacts.xlsx';

export async function generateDemo(opts: GenerateOptions): Promise<GenerateResult> {
  const t0 = performance.now();
  const params = opts.params ?? DEFAULT_PARAMS;
  const { seed, customers: n, out } = opts;
  mkdirSync(out, { recursive: true });
  const cal = new Calendar(params.start, params.end);
  const cat = buildCatalog(seed, cal);
  const acqCdf = cal.acquisitionCdf();
  const dirt = new DirtCounter();
  const truth = new TruthAccumulator(cal.end);
  const sinks: Sinks = {};
  for (const [name, f] of Object.entries(TEXT_FILES)) {
    sinks[name] = await TextSink.create(join(out, name), f.encoding);
    if (f.header) sinks[name].line(csvRow([...f.header]), '\r\n');
  }
  const fixed = new Date(cal.end * 1000);
  const contacts = new XlsxSink(join(out, CONTACTS_FILE), '客户列表', WECOM_CONTACTS_HEADER, fixed);
  writeStatic(sinks, cat, cal);
  const momIndexes = new Set(cat.momProducts);
  let youzanSeq = 0;
  let shopSeq = 0;
  let eventSeq = 0;
  for (let i = 0; i < n; i++) {
    const person = makePerson(seed, i, cal, cat, acqCdf, params);
    const b = behaviourOf(seed, person, cal, cat, params);
    const rng = Rng.for(seed, 'rows', i);
    const ids: { order: (typeof b.orders)[number]; id: string }[] = [];
    for (const o of b.orders) {
      if (o.channel === 'ecommerce') {
        shopSeq++;
        const name = `#${100000 + shopSeq}`;
        const rows = shopifyRows(o, name, 5200000000000 + shopSeq * 7, person, cat, dirt, rng);
        for (const r of rows) sinks[SHOPIFY_FILE].line(csvRow(r), '\r\n');
        truth.file(SHOPIFY_FILE, 0, 1, rows.length);
        ids.push({ order: o, id: name });
      } else {
        youzanSeq++;
        const id = `E${localTime(o.at).replace(/\D/g, '')}${String(youzanSeq).padStart(8, '0')}`;
        sinks[YOUZAN_FILE].line(csvRow(youzanRow(o, id, person, cat, dirt, rng)), '\r\n');
        o.lines.forEach((l, k) => {
          const refund = o.status === 'refunded' ? l.amountCents : o.status === 'partially_refunded' && k === 0 ? o.refundCents : 0;
          sinks['order-lines.csv'].line(csvRow([id, k + 1, cat.products[l.product].sku, l.quantity, yuan(l.unitCents), yuan(l.amountCents), yuan(refund)]), '\r\n');
        });
        truth.file(YOUZAN_FILE, 0, 1, 0);
        truth.file('order-lines.csv', 0, 0, o.lines.length);
        ids.push({ order: o, id });
      }
    }
    const events = eventsOf(seed, person, ids, cal, cat, params, truth.funnel);
    for (const e of events) {
      eventSeq++;
      truth.events[e.type] = (truth.events[e.type] ?? 0) + 1;
      // Hand-built JSON: every value here is an ASCII id or code (no quotes or escapes), so this equals JSON.stringify.
      const id = eventSeq.toString(36).padStart(7, '0');
      const what = e.sku ? `,"sku":"${e.sku}"` : e.contentId ? `,"content_id":"${e.contentId}"` : '';
      const props = e.session ? `,"properties":{"session_id":"${e.session}"}` : '';
      sinks['mini-program-events.jsonl'].line(`{"event_id":"mp-${id}","type":"${e.type}","occurred_at":"${isoLocal(e.at)}","openid":"${person.openid}","openid_app":"${MINI_PROGRAM_APPID}"${what},"channel":"${e.channel}"${props}}`);
    }
    personRows(sinks, contacts, person, b, ids, cat, cal, dirt, rng, truth);
    truth.addPerson(person, b, momIndexes);
    if (i === Math.floor(n / 2)) writeMalformed(sinks, contacts, cat, person, dirt, truth, params.dirt.malformedPerFile);
    if (i % 256 === 255 || i === n - 1) {
      for (const s of Object.values(sinks)) if (s.pending > 1 << 20) await s.drain();
      if (i % 4096 === 4095) await new Promise((r) => setImmediate(r));
      opts.onProgress?.(i + 1, n);
    }
  }
  const files: Record<string, { rows: number; bytes: number; encoding: string }> = {};
  for (const [name, s] of Object.entries(sinks)) {
    await s.close();
    const header = TEXT_FILES[name].header ? 1 : 0;
    files[name] = { rows: s.rows - header, bytes: statSync(s.path).size, encoding: TEXT_FILES[name].encoding };
  }
  await contacts.close();
  files[CONTACTS_FILE] = { rows: contacts.rows, bytes: statSync(contacts.path).size, encoding: 'xlsx' };
  const json = truth.toJSON(params, { seed, customers: n, files }, dirt);
  writeFileSync(join(out, 'truth.json'), `${JSON.stringify(json, null, 2)}\n`);
  const rows = Object.values(files).reduce((a, f) => a + f.rows, 0);
  return { out, truth: json, rows, seconds: (performance.now() - t0) / 1000 };
}
