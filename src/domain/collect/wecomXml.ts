import { XMLParser } from 'fast-xml-parser';
import { UserError } from '../../errors.ts';

/**
 * A WeCom callback's XML (`<xml><ToUserName><![CDATA[…]]></ToUserName>…</xml>`), read with fast-xml-parser: linear in
 * the input and with a nesting cap, unlike the regex it replaces (quadratic on `<a>` × 80,000: a pre-auth denial
 * of service). The route caps the body (64 KiB) before this runs. Entities are not expanded, values are kept as
 * text; the children of the root become fields, a list (`<MemChangeList><Item>…</Item>…`) a list of its items.
 */
export type WecomXml = Record<string, string | string[]>;

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, processEntities: false, trimValues: true, ignoreDeclaration: true, ignorePiTags: true });

export function parseWecomXml(xml: string): WecomXml {
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    throw bad();
  }
  const root = (doc as Record<string, unknown> | null)?.xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw bad();
  const out: WecomXml = {};
  for (const [k, v] of Object.entries(root)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
    else if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = Object.values(v).flat().filter((x): x is string => typeof x === 'string');
  }
  return out;
}

/** A field's text ('' when absent or a list). */
export function field(x: WecomXml, k: string): string {
  const v = x[k];
  return typeof v === 'string' ? v : '';
}

/** A list field's items ([] when absent; a lone text is a list of one). */
export function items(x: WecomXml, k: string): string[] {
  const v = x[k];
  return Array.isArray(v) ? v : typeof v === 'string' && v ? [v] : [];
}

function bad(): UserError {
  return new UserError('bad_wecom_message', 'The body is not a WeCom callback message (<xml>…</xml>).', '请求体不是企业微信回调消息（<xml>…</xml>）。', 400);
}
