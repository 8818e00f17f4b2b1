/** zh/en names of stored codes (genders, channels, tiers) as the report shows them; unknown codes show as stored. */
import type { Text } from './model.ts';

const NAMES: Record<string, Text> = {
  male: { zh: '男', en: 'Male' }, female: { zh: '女', en: 'Female' }, unknown: { zh: '未知', en: 'Unknown' },
  tier1: { zh: '一线', en: 'Tier 1' }, new_tier1: { zh: '新一线', en: 'New tier 1' }, tier2: { zh: '二线', en: 'Tier 2' },
  '1': { zh: '一线', en: 'Tier 1' }, new1: { zh: '新一线', en: 'New tier 1' }, '2': { zh: '二线', en: 'Tier 2' }, '3': { zh: '三线', en: 'Tier 3' },
  tier3: { zh: '三线', en: 'Tier 3' }, tier4: { zh: '四线及以下', en: 'Tier 4 and below' }, tier5: { zh: '五线', en: 'Tier 5' },
  wecom: { zh: '企业微信', en: 'WeCom' }, wecom_qr: { zh: '企微活码', en: 'WeCom QR' }, mini_program: { zh: '小程序', en: 'Mini-program' },
  official_account: { zh: '公众号', en: 'Official account' }, live_stream: { zh: '直播', en: 'Live stream' }, referral: { zh: '老带新', en: 'Referral' },
  store: { zh: '门店', en: 'Store' }, pos: { zh: '门店 POS', en: 'Store POS' }, ecommerce: { zh: '电商', en: 'E-commerce' },
  app: { zh: 'App', en: 'App' }, sms: { zh: '短信', en: 'SMS' }, email: { zh: '邮件', en: 'E-mail' }, push: { zh: '推送', en: 'Push' },
};

export function codeName(code: string): Text {
  return NAMES[code] ?? { zh: code, en: code };
}
