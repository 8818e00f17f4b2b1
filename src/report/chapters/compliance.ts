/**
 * 数据质量与合规: import quality (siyu quality), consent coverage per purpose (the consent policy's own counts),
 * data-subject requests and their deadlines, and the audit chain's integrity.
 */
import type { ChapterBuilder } from '../context.ts';
import type { Chart, Finding, KpiTile, Text } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtPct } from '../i18n.ts';
import { fieldName } from '../labels.ts';
import { qualityReport } from '../../ingest/quality/index.ts';
import { consentSummary } from '../../privacy/consentLedger.ts';
import { listRequests } from '../../privacy/dsr/requests.ts';
import { verifyAudit } from '../../privacy/audit.ts';

const PURPOSE_NAMES: Record<string, Text> = {
  analytics: { zh: '数据分析', en: 'Analytics' }, personalisation: { zh: '个性化推荐', en: 'Personalisation' },
  marketing_sms: { zh: '短信营销', en: 'SMS marketing' }, marketing_email: { zh: '邮件营销', en: 'E-mail marketing' },
  marketing_wecom: { zh: '企微营销', en: 'WeCom marketing' }, marketing_push: { zh: '推送营销', en: 'Push marketing' },
  third_party: { zh: '向第三方提供', en: 'Third-party sharing' },
};

export const complianceChapter: ChapterBuilder = {
  key: 'compliance',
  async build(ctx) {
    const { app } = ctx;
    const q = await qualityReport(app);
    const consent = (await consentSummary(app)).filter((c) => PURPOSE_NAMES[c.purpose]);
    const dsr = await listRequests(app, {});
    const audit = await verifyAudit(app);
    const customers = q.completeness.customers.total;
    const anyConsent = consent.some((c) => c.granted + c.withdrawn > 0);
    const findings: Finding[] = [];
    const charts: Chart[] = [];
    const facts: { label: Text; value: Text }[] = [];
    const tiles: KpiTile[] = [];
    if (anyConsent && customers > 0) {
      charts.push({
        id: 'compliance-consent', kind: 'hbar', unit: 'percent',
        title: both((l) => (l === 'zh' ? '各用途可用客户占比（同意覆盖率）' : 'Share of customers usable per purpose (consent coverage)')),
        categories: consent.map((c) => PURPOSE_NAMES[c.purpose]),
        series: [{ name: both((l) => (l === 'zh' ? '可用占比' : 'Usable')), data: consent.map((c) => c.permitted / customers) }],
      });
      const mk = consent.filter((c) => c.purpose.startsWith('marketing_'));
      const best = [...mk].sort((a, b) => b.permitted - a.permitted)[0];
      if (best) tiles.push({ key: 'marketing_reach', label: { zh: `最大营销可触达（${PURPOSE_NAMES[best.purpose].zh}）`, en: `Widest marketing reach (${PURPOSE_NAMES[best.purpose].en})` }, value: best.permitted / customers, unit: 'percent' });
      const withdrawn = mk.reduce((s, c) => s + c.withdrawn, 0);
      facts.push({ label: both((l) => (l === 'zh' ? '营销同意撤回' : 'Marketing consents withdrawn')), value: both((l) => (l === 'zh' ? `${fmtCount(withdrawn, l)} 条（按用途累计）` : `${fmtCount(withdrawn, l)} (summed over purposes)`)) });
    } else {
      facts.push({ label: both((l) => (l === 'zh' ? '同意记录' : 'Consent records')), value: both((l) => (l === 'zh' ? '无：任何营销触达前都需先取得同意' : 'none: every marketing contact needs consent first')) });
    }
    const open = dsr.filter((r) => r.status !== 'done' && r.status !== 'rejected');
    const overdue = open.filter((r) => r.overdue);
    tiles.push({ key: 'dsr_open', label: { zh: '待处理个人信息权利请求', en: 'Open data-subject requests' }, value: open.length, unit: 'count' });
    if (overdue.length) {
      findings.push({
        id: 'compliance-dsr-overdue', chapter: 'compliance', minSpanDays: 0, impact: overdue.length * 1000, impactBasis: 'customers',
        title: both((l) => (l === 'zh' ? `${overdue.length} 件个人信息权利请求已逾期` : `${overdue.length} data-subject requests are overdue`)),
        statement: both((l) => (l === 'zh' ? `${open.length} 件待处理请求中 ${overdue.length} 件已超过法定期限（最早受理于 ${overdue[0].received_at.slice(0, 10)}）。` : `${overdue.length} of ${open.length} open requests are past their due date (the oldest received ${overdue[0].received_at.slice(0, 10)}).`)),
        why: both((l) => (l === 'zh' ? '《个人信息保护法》第 50 条要求及时响应个人行使权利的申请，逾期是直接的合规风险。' : 'PIPL art. 50 requires timely handling of rights requests; overdue ones are a direct compliance exposure.')),
      });
    }
    facts.push({
      label: both((l) => (l === 'zh' ? '审计日志完整性' : 'Audit trail integrity')),
      value: both((l) => (audit.ok
        ? (l === 'zh' ? `完好：${fmtCount(audit.entries, l)} 条记录的哈希链校验通过` : `intact: the hash chain of ${fmtCount(audit.entries, l)} entries verifies`)
        : (l === 'zh' ? `发现 ${audit.problems.length} 处问题（首处序号 ${audit.problems[0].seq}：${audit.problems[0].problem}）` : `${audit.problems.length} problems (first at seq ${audit.problems[0].seq}: ${audit.problems[0].problem})`))),
    });
    if (!audit.ok) {
      findings.push({
        id: 'compliance-audit-broken', chapter: 'compliance', minSpanDays: 0, impact: 1e9, impactBasis: 'yuan',
        title: both((l) => (l === 'zh' ? '审计日志被篡改或缺失' : 'The audit trail has been altered or truncated')),
        statement: both((l) => (l === 'zh' ? `哈希链校验发现 ${audit.problems.length} 处问题。` : `Verification found ${audit.problems.length} problems in the hash chain.`)),
        why: both((l) => (l === 'zh' ? '审计日志是个人信息处理合规的证据，须立即调查。' : 'The audit trail is the evidence of lawful processing: investigate at once.')),
      });
    }
    const c = q.completeness.customers;
    const o = q.orphans;
    facts.push({
      label: both((l) => (l === 'zh' ? '订单关联' : 'Orders linked to customers')),
      value: both((l) => (l === 'zh' ? `${fmtPct(1 - o.orderShare)} 的订单能关联到客户（${fmtCount(o.ordersWithoutCustomer + o.ordersWithUnknownCustomer, l)} 笔未关联）` : `${fmtPct(1 - o.orderShare)} of orders belong to a known customer (${fmtCount(o.ordersWithoutCustomer + o.ordersWithUnknownCustomer, l)} do not)`)),
    });
    const fields = (l: 'zh' | 'en') => Object.entries(c).filter(([k]) => k !== 'total').map(([k, v]) => `${fieldName(k)[l]} ${fmtPct(Number(v))}`).join(l === 'zh' ? '，' : ', ');
    facts.push({ label: both((l) => (l === 'zh' ? '客户资料完整度' : 'Profile completeness')), value: both((l) => (l === 'zh' ? `${fmtCount(customers, l)} 位客户：${fields(l)}` : `${fmtCount(customers, l)} customers: ${fields(l)}`)) });
    if (q.invalid.importRuns > 0) {
      facts.push({ label: both((l) => (l === 'zh' ? '导入质量' : 'Import quality')), value: both((l) => (l === 'zh' ? `${q.invalid.importRuns} 次导入读取 ${fmtCount(q.invalid.rowsRead, l)} 行，拒收 ${fmtCount(q.invalid.rowsRejected, l)} 行（已隔离）` : `${q.invalid.importRuns} imports read ${fmtCount(q.invalid.rowsRead, l)} rows and quarantined ${fmtCount(q.invalid.rowsRejected, l)}`)) });
    }
    return {
      chapter: {
        key: 'compliance', title: CHAPTER_TITLES.compliance, findings, charts, facts, tiles,
        lead: both((l) => (l === 'zh'
          ? `数据质量取自导入质量报告（siyu quality），同意覆盖率按同意策略实时计算（未成年人需监护人同意），并校验审计日志哈希链。`
          : `Data quality from the import quality report (siyu quality); consent coverage as the consent policy counts it now (minors need a guardian's consent); the audit hash chain verified.`)),
      },
    };
  },
};
