/**
 * The personal-information impact assessment as a document (个人信息保护影响评估报告, PIPL arts. 55–56): what the
 * store's own figures say, in sections of prose and tables, in Chinese or English; and its Markdown. Pure: the
 * figures come in as a `PiaRecord`, the HTML and PDF are made by src/privacy/piaRender.ts. Every statement about
 * what Siyu does is what the code does today (docs/privacy.md says the same).
 */
export type Lang = 'zh' | 'en';

export interface PiaRecord {
  generated_at: string;
  brand: string;
  law: string;
  processing: {
    people: { active: number; restricted: number; minors_under_14: number };
    data_classes: { name: number; birthday: number; identifiers: Record<string, number>; behaviour_events: number; orders: number };
  };
  purposes_and_consent: { purpose: string; granted: number; withdrawn: number; permitted: number }[];
  sharing: { customers_permitted_for_third_party: number; api_keys_by_role: Record<string, number> };
  sensitive_data: { classes_with_consent: string[]; minors_under_14: number };
  retention: { data_class: string; keep_days: number | null; description: string | null }[];
  data_subject_requests: { kind: string; status: string; n: number }[];
  overdue_requests: number;
  safeguards: {
    keys: { active: string; ciphertexts_by_key: Record<string, number>; location: 'environment' | 'file' };
    access: { users_by_role: Record<string, number>; roles: string[] };
    audit_log: { entries: number; intact: boolean; anchored: number; problems: number; external_anchor: boolean };
  };
}

type Text = { zh: string; en: string };
type Cell = string | number | Text;
export interface PiaSection { title: Text; paragraphs: Text[]; table?: { head: Text[]; rows: Cell[][] } }
export interface PiaDoc { title: Text; meta: Text; sections: PiaSection[] }

const T = (zh: string, en: string): Text => ({ zh, en });

export const PURPOSE_LABELS: Record<string, Text> = {
  analytics: T('统计分析', 'Analytics'), personalisation: T('个性化', 'Personalisation'),
  marketing_sms: T('短信营销', 'SMS marketing'), marketing_email: T('邮件营销', 'E-mail marketing'),
  marketing_wecom: T('企业微信营销', 'WeCom marketing'), marketing_push: T('推送营销', 'Push marketing'),
  third_party: T('向第三方提供', 'Provision to third parties'), guardian: T('监护人同意', 'Guardian consent'),
  sensitive_health: T('敏感：健康', 'Sensitive: health'), sensitive_religion: T('敏感：宗教', 'Sensitive: religion'),
  sensitive_biometric: T('敏感：生物识别', 'Sensitive: biometric'), sensitive_financial: T('敏感：金融账户', 'Sensitive: financial'),
  sensitive_location: T('敏感：行踪轨迹', 'Sensitive: location'), sensitive_minor: T('敏感：未成年人', 'Sensitive: minors'),
  sensitive_id_card: T('敏感：身份证件', 'Sensitive: ID card'),
};

/** Where the one consent policy is applied today — and where it is not yet, because the function does not exist. */
export const POLICY_USE_POINTS: Text[] = [
  T('单个客户的判定：`siyu consent check`、`consent show` 与 GET /api/v1/consents/{id}。', 'Decisions for one customer: `siyu consent check`, `consent show` and GET /api/v1/consents/{id}.'),
  T('各用途“当前可用”人数：`siyu consent summary`、GET /api/v1/consents/summary、本评估与月报的合规章节。', 'The usable count per purpose: `siyu consent summary`, GET /api/v1/consents/summary, this assessment and the monthly report\'s compliance chapter.'),
  T('月报建议人群在各营销渠道的可触达人数（只计入该渠道营销同意可用的客户）。', 'The reach per marketing channel of the monthly report\'s recommended audiences (only customers usable for that channel\'s marketing purpose).'),
  T('尚未实现：消息发送、人群导出、向合作方提供数据、推荐；统计分析（RFM、KPI、画像、标签）尚未按同意与限制处理筛选。上线前必须接入同一策略。', 'Not built yet: message sending, segment export, partner sharing, recommendations; analytics (RFM, KPIs, portraits, tags) do not yet filter by consent and restriction. Each must apply the same policy before it ships.'),
];

const days = (d: number | null): Text => (d === null ? T('长期保存', 'kept') : d === 0 ? T('到期即清理', 'purged once expired') : T(`${d} 天`, `${d} days`));

const RETENTION_LABELS: Record<string, Text> = {
  raw_events: T('原始行为事件（汇总数保留）', 'Raw behaviour events (aggregates stay)'),
  quarantine_files: T('导入隔离文件（待更正的拒收行）', 'Import quarantine files (rejected rows kept for correction)'),
  logs: T('内部错误日志（《网络安全法》第二十一条：不少于六个月）', 'Internal error logs (Cybersecurity Law art. 21: at least 6 months)'),
  sessions: T('已过期的控制台会话', 'Expired console sessions'),
  dsr_exports: T('交付给个人的信息副本', 'Data-subject copies written for hand-over'),
  dsr_requests: T('已办结的个人信息请求（处理凭证）', 'Closed data-subject requests (proof of handling)'),
};
const yes = (b: boolean): Text => (b ? T('是', 'yes') : T('否', 'no'));
const byRole = (o: Record<string, number>): string => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || '–';

export function piaDocument(r: PiaRecord): PiaDoc {
  const p = r.processing;
  const ids = Object.entries(p.data_classes.identifiers);
  const sections: PiaSection[] = [
    {
      title: T('一、评估范围', '1. Scope'),
      paragraphs: [T(
        `本评估覆盖 ${r.brand} 在 Siyu 私域客户池中的个人信息处理：导入与采集、身份统一、统计分析与报告、数据主体请求的处理。所有数字取自生成时的系统数据与配置。`,
        `This assessment covers ${r.brand}'s processing of personal information in its Siyu private-domain pool: imports and collection, identity resolution, analytics and reports, and data-subject requests. Every figure is taken from the store and its configuration when this was generated.`,
      )],
    },
    {
      title: T('二、处理的个人信息', '2. Personal information processed'),
      paragraphs: [T('标识符不以明文保存：用于匹配的是加密哈希，用于显示的是密文，界面默认只显示打码形式。', 'Identifiers are never stored in clear: a keyed hash for matching, a ciphertext for display, and a masked form shown by default.')],
      table: {
        head: [T('类别', 'Class'), T('数量', 'Count'), T('保存方式', 'How it is kept')],
        rows: [
          [T('在用客户', 'Active customers'), p.people.active, T('内部编号', 'internal number')],
          [T('限制处理的客户', 'Restricted customers'), p.people.restricted, T('保留但不用于任何处理', 'kept, used for nothing')],
          [T('未满 14 周岁', 'Under 14'), p.people.minors_under_14, T('每项用途都需监护人同意', 'every purpose also needs guardian consent')],
          [T('姓名', 'Names'), p.data_classes.name, T('AES-256-GCM 加密 + 打码', 'AES-256-GCM ciphertext + masked form')],
          [T('生日', 'Birthdays'), p.data_classes.birthday, T('加密；出生年与月日明文（年龄段、生日关怀、未成年判断）', 'encrypted; birth year and MM-DD in clear (age bands, birthday care, the under-14 rule)')],
          ...ids.map(([type, n]): Cell[] => [T(`标识符：${type}`, `Identifier: ${type}`), n, T('HMAC-SHA256 哈希 + AES-256-GCM 密文 + 打码', 'HMAC-SHA256 hash + AES-256-GCM ciphertext + masked form')]),
          [T('行为事件', 'Behaviour events'), p.data_classes.behaviour_events, T('仅以内部编号关联；属性中的手机号、邮箱已打码', 'linked by the internal number only; phones and e-mails in properties masked')],
          [T('订单', 'Orders'), p.data_classes.orders, T('仅以内部编号关联', 'linked by the internal number only')],
        ],
      },
    },
    {
      title: T('三、处理目的与同意', '3. Purposes and consent'),
      paragraphs: [
        T('“已同意”是最新一条记录为同意的客户数；“当前可用”是同意策略此刻允许使用的客户数：客户须为在用状态（未限制、未删除、未合并），已同意该用途（统计分析除外：未撤回即可），未满 14 周岁的还需监护人同意。因此“可用”可能少于“已同意”，统计分析的“可用”可能多于“已同意”。',
          '“Granted” counts customers whose latest entry for the purpose is a grant; “usable” counts those the consent policy permits now: active (not restricted, erased or merged), granted for the purpose (analytics: not withdrawn), and for under-14s the guardian\'s consent too. So usable can be below granted, and for analytics above it.'),
        T('同意策略目前在以下环节执行：', 'Where the consent policy is applied today:'),
        ...POLICY_USE_POINTS,
      ],
      table: {
        head: [T('用途', 'Purpose'), T('已同意', 'Granted'), T('已撤回', 'Withdrawn'), T('当前可用', 'Usable now')],
        rows: r.purposes_and_consent.map((c) => [PURPOSE_LABELS[c.purpose] ?? c.purpose, c.granted, c.withdrawn, c.permitted]),
      },
    },
    {
      title: T('四、向第三方提供', '4. Provision to third parties'),
      paragraphs: [
        T(`可向第三方提供的客户（单独同意，第二十三条）：${r.sharing.customers_permitted_for_third_party}。Siyu 目前没有向合作方导出数据的功能。`, `Customers usable for provision to third parties (separate consent, art. 23): ${r.sharing.customers_permitted_for_third_party}. Siyu has no partner export today.`),
        T(`有效的 API 密钥（按角色）：${byRole(r.sharing.api_keys_by_role)}；密钥持有者只能在其角色范围内通过 API 读取。`, `API keys in force, by role: ${byRole(r.sharing.api_keys_by_role)}; a key's holder reads through the API within its role only.`),
      ],
    },
    {
      title: T('五、敏感个人信息与未成年人', '5. Sensitive personal information and minors'),
      paragraphs: [
        T(`有客户单独同意的敏感类别：${r.sensitive_data.classes_with_consent.map((c) => PURPOSE_LABELS[c]?.zh ?? c).join('、') || '无'}。每个敏感类别需单独同意（第二十九条），营销同意不代表同意。`,
          `Sensitive classes with a separate consent: ${r.sensitive_data.classes_with_consent.map((c) => PURPOSE_LABELS[c]?.en ?? c).join(', ') || 'none'}. Each needs its own consent (art. 29); marketing consent never implies it.`),
        T(`未满 14 周岁的在用客户：${r.sensitive_data.minors_under_14}（由生日推算，第二十八、三十一条）。`, `Active customers under 14: ${r.sensitive_data.minors_under_14} (from the birthday; arts. 28, 31).`),
      ],
    },
    {
      title: T('六、保存期限', '6. Retention'),
      paragraphs: [T('`siyu retention run` 按以下期限清理，每次清理均记入审计日志。', '`siyu retention run` purges by these periods; each purge is audited.')],
      table: { head: [T('数据类别', 'Data class'), T('保存期限', 'Kept for'), T('说明', 'Note')], rows: r.retention.map((x) => [x.data_class, days(x.keep_days), RETENTION_LABELS[x.data_class] ?? x.description ?? '']) },
    },
    {
      title: T('七、个人信息主体请求', '7. Data-subject requests'),
      paragraphs: [T(`逾期未处理的请求：${r.overdue_requests}（受理后 15 日内答复）。`, `Open requests past their due date: ${r.overdue_requests} (answered within 15 days of receipt).`)],
      table: { head: [T('类型', 'Kind'), T('状态', 'Status'), T('数量', 'Count')], rows: r.data_subject_requests.map((d) => [d.kind, d.status, d.n]) },
    },
    {
      title: T('八、安全措施', '8. Safeguards'),
      paragraphs: [],
      table: {
        head: [T('措施', 'Measure'), T('现状', 'State')],
        rows: [
          [T('加密密钥', 'Encryption keys'), T(`当前密钥 ${r.safeguards.keys.active}；密文按密钥：${byRole(r.safeguards.keys.ciphertexts_by_key)}；密钥${r.safeguards.keys.location === 'file' ? '文件（0600）在数据库之外' : '来自环境变量 SIYU_KEYRING'}`,
            `active key ${r.safeguards.keys.active}; ciphertexts by key: ${byRole(r.safeguards.keys.ciphertexts_by_key)}; the keyring ${r.safeguards.keys.location === 'file' ? 'is a 0600 file outside the database' : 'comes from SIYU_KEYRING'}`)],
          [T('访问控制', 'Access control'), T(`角色：${r.safeguards.access.roles.join('、')}；在用账号：${byRole(r.safeguards.access.users_by_role)}；查看明文需单独权限并记入审计`, `roles: ${r.safeguards.access.roles.join(', ')}; active users: ${byRole(r.safeguards.access.users_by_role)}; unmasking needs its own permission and is audited`)],
          [T('审计日志', 'Audit log'), T(`${r.safeguards.audit_log.entries} 条，以密钥哈希链保护，其中 ${r.safeguards.audit_log.anchored} 条有库外锚点；校验${r.safeguards.audit_log.intact ? '通过' : `未通过（${r.safeguards.audit_log.problems} 处问题）`}`,
            `${r.safeguards.audit_log.entries} entries in a keyed hash chain, ${r.safeguards.audit_log.anchored} confirmed by anchors outside the store; verification ${r.safeguards.audit_log.intact ? 'passes' : `FAILS (${r.safeguards.audit_log.problems} problems)`}`)],
          [T('外部锚点', 'External anchor sink'), yes(r.safeguards.audit_log.external_anchor)],
        ],
      },
    },
    {
      title: T('九、风险与措施', '9. Risks and measures'),
      paragraphs: [],
      table: { head: [T('风险', 'Risk'), T('措施', 'Measure'), T('剩余风险', 'Residual')], rows: risks(r) },
    },
    {
      title: T('十、结论', '10. Conclusion'),
      paragraphs: [T('本评估由系统根据实际数据生成，须由个人信息保护负责人审阅、补充处理情形并签署。评估报告与处理记录至少保存三年（第五十六条）。\n\n审阅人：__________ 日期：__________',
        'Generated by the system from the actual data; the personal-information protection officer reviews it, completes the processing context, and signs. Keep the assessment and processing records for at least three years (art. 56).\n\nReviewed by: __________ Date: __________')],
    },
  ];
  return {
    title: T('个人信息保护影响评估报告', 'Personal information protection impact assessment'),
    meta: T(`${r.brand} · 生成于 ${r.generated_at} · 依据《个人信息保护法》第五十五、五十六条`, `${r.brand} · generated ${r.generated_at} · PIPL arts. 55–56`),
    sections,
  };
}

function risks(r: PiaRecord): Cell[][] {
  const low = T('低', 'low');
  const medium = T('中', 'medium');
  const high = T('高', 'high');
  const out: Cell[][] = [
    [T('向未同意的人营销', 'Marketing to people who did not agree'), T('同意策略决定每个渠道可触达的客户，撤回即时生效；Siyu 尚无发送功能，发送方须按该策略筛选', 'the consent policy decides who each channel may reach, and a withdrawal takes effect at once; Siyu has no sender yet, and one must filter by the policy'), medium],
    [T('统计分析使用已撤回或限制处理的客户', 'Analytics using withdrawn or restricted customers'), T('尚未在统计中执行（见第三节）', 'not yet applied in analytics (see section 3)'), high],
    [T('数据库或备份泄露标识符', 'Leak of identifiers from the database or backups'), T('只保存哈希与密文；密钥在数据库之外；轮换后旧密钥退役', 'only hashes and ciphertexts stored; keys outside the database; rotation retires old keys'), low],
    [T('员工访问过宽', 'Over-broad staff access'), T('角色权限矩阵；导购只见本人客户；查看明文需记录理由', 'role matrix; store guides see only their own customers; unmasking records a reason'), medium],
    [T('保存超期', 'Keeping data longer than needed'), T('按期限定时清理，清理记入审计', 'purged on schedule by retention policy, purges audited'), low],
    [T('审计记录被篡改', 'Tampering with the audit log'), T('密钥哈希链、链头与库外锚点；可配置外部锚点', 'keyed hash chain, head row and anchors outside the store; an external sink can be configured'), r.safeguards.audit_log.external_anchor ? low : medium],
  ];
  if (r.processing.people.minors_under_14 > 0) out.push([T('处理未成年人信息', 'Processing children\'s data'), T('由生日判断未满 14 周岁；无监护人同意时任何用途均不可用', 'under-14 derived from the birthday; no purpose is usable without guardian consent'), medium]);
  if (r.sharing.customers_permitted_for_third_party > 0) out.push([T('向第三方提供', 'Provision to third parties'), T('需单独同意（第二十三条）；目前无导出功能', 'separate consent (art. 23); no export function today'), low]);
  return out;
}

export function cellText(c: Cell, lang: Lang): string {
  return typeof c === 'object' ? c[lang] : String(c);
}

/** The document as Markdown. */
export function piaMarkdown(doc: PiaDoc, lang: Lang): string {
  const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`# ${doc.title[lang]}`, '', doc.meta[lang], ''];
  for (const s of doc.sections) {
    lines.push(`## ${s.title[lang]}`, '');
    for (const p of s.paragraphs) lines.push(p[lang], '');
    if (s.table) {
      lines.push(`| ${s.table.head.map((h) => h[lang]).join(' | ')} |`, `| ${s.table.head.map(() => '---').join(' | ')} |`);
      for (const row of s.table.rows) lines.push(`| ${row.map((c) => md(cellText(c, lang))).join(' | ')} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}
