/**
 * What a data-subject copy (个人信息副本, PIPL art. 45) leaves out and how it explains itself: the README written
 * into the bundle names each file in Chinese and English, so the person can read what is held about them. Pure.
 */

/** Columns that describe our bookkeeping, not the person. */
export const INTERNAL_COLUMNS = new Set(['workspace_id', 'change_seq', 'origin']);

/**
 * Tables not copied: the audit log (about staff), bookkeeping, the warehouse's copies of state-store tables (the
 * ledger is copied from the state store itself), and per-customer totals recomputed from the orders the copy holds.
 */
export const NOT_COPIED = new Set([
  'audit_log', 'audit_head', 'schema_migrations', 'state_migrations', 'state_counters', 'sync_watermarks',
  'consent_outbox', 'insight_customer_agg', 'insight_customer_month', 'model_customer_summary',
]);

type Note = { zh: string; en: string };

const NOTES: Record<string, Note> = {
  customers: { zh: '您的基本资料：姓名、生日、性别、地区、会员等级、获客渠道与状态', en: 'Your profile: name, birthday, gender, region, membership tier, how you joined, and status' },
  customer_identifiers: { zh: '您的联系方式与账号：手机号、邮箱、会员号、微信 unionid/openid 等，以及各自的来源', en: 'Your contact details and accounts: phone, e-mail, member number, WeChat ids, and where each came from' },
  consents: { zh: '您每一次同意或撤回同意的记录（按用途），含来源与隐私政策版本', en: 'Every consent you gave or withdrew, per purpose, with its source and privacy-policy version' },
  dsr_requests: { zh: '您向我们提出的个人信息请求及处理结果', en: 'Your requests to us about your personal information and how each was handled' },
  orders: { zh: '您的订单：时间、门店/渠道、金额、折扣、退款', en: 'Your orders: when, store or channel, amounts, discounts, refunds' },
  events: { zh: '您的行为记录：访问、浏览、消息、到店等', en: 'Your activity: visits, page views, messages, store visits' },
  coupons: { zh: '发给您的优惠券及使用情况', en: 'Coupons issued to you and whether they were used' },
  campaign_members: { zh: '您参与的营销活动及分组', en: 'Marketing campaigns you were part of, and the variant you received' },
  group_members: { zh: '您加入的企业微信群', en: 'WeCom groups you joined' },
  contact_ownership: { zh: '为您服务的导购（企业微信联系人）', en: 'The staff member who looks after you (WeCom contact)' },
  customer_tags: { zh: '给您打的标签及来源', en: 'Tags given to you, and where each came from' },
  customer_scores: { zh: '对您计算的评分（如复购可能性、流失风险）及模型版本', en: 'Scores computed about you (e.g. likelihood to buy again, churn risk) and the model version' },
  identity_merges: { zh: '被识别为同一人并合并的记录及依据', en: 'Records recognised as the same person and joined, and on what basis' },
  identity_conflicts: { zh: '可能属于同一人、待人工核对的记录', en: 'Records that may be the same person, awaiting a review' },
  collect_identity_facts: { zh: '应用或小程序发来的身份信息（已加密或哈希）', en: 'Identity information sent by apps or mini-programs (encrypted or hashed)' },
};

export function tableNote(table: string): Note {
  return NOTES[table] ?? { zh: `数据表 ${table} 中与您相关的记录`, en: `Records about you in the table ${table}` };
}

/** The README of a bundle: what it is, one line per file, what was left out and why. */
export function bundleReadme(copy: { generated_at: string; customer: number; request: number; tables: Record<string, unknown[]> }): string {
  const files = Object.entries(copy.tables).map(([t, rows]) => {
    const n = tableNote(t);
    return `| \`${t}.csv\` | ${rows.length} | ${n.zh} | ${n.en} |`;
  });
  return [
    '# 个人信息副本 / Copy of your personal information',
    '',
    `生成时间 Generated: ${copy.generated_at} · 客户编号 Customer number: ${copy.customer} · 请求编号 Request: ${copy.request}`,
    '',
    '依据《个人信息保护法》第四十五条，本副本包含我们持有的与您有关的全部个人信息。',
    'Under PIPL art. 45 this copy holds all personal information we keep about you.',
    '',
    '| 文件 File | 行数 Rows | 内容 | Contents |',
    '| --- | ---: | --- | --- |',
    '| `subject.json` | – | 以下全部内容，合为一个 JSON 文件（便于转移给其他机构） | Everything below in one JSON file (for moving it to another provider) |',
    ...files,
    '',
    '## 未包含的内容 / Not included',
    '',
    '- 内部字段（如工作区编号）与同步记账字段。 / Internal columns (such as the workspace number) and bookkeeping.',
    '- 由您的订单重新计算的汇总数（订单本身已包含）。 / Totals recomputed from your orders (the orders themselves are included).',
    '- 标识符的哈希与打码形式：已给出可读的原值。 / Hashed and masked forms of identifiers: the readable values are given.',
    '- 审计日志（记录员工的操作，仅含您的内部编号）。 / The audit log (what staff did; it holds only your internal number).',
    '',
    'CSV 文件为 UTF-8（带 BOM，可用 Excel 打开）；以 = + - @ 开头的文本单元格前加了单引号，以免被当作公式。',
    'CSV files are UTF-8 with a BOM (they open in Excel); a text cell starting with = + - @ is prefixed with a quote so it is never run as a formula.',
    '',
  ].join('\n');
}

/** A CSV cell, quoted when needed; one a spreadsheet would evaluate as a formula is neutralised (OWASP). */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
