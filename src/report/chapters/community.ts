/** 社群运营: do group members buy more, how sure we are, and whom to invite. */
import type { ChapterBuilder } from '../context.ts';
import type { Finding, Recommendation } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtP, fmtPct, fmtYuan } from '../i18n.ts';
import { communityLift, NON_MEMBER_BUYERS } from '../queries/communityLift.ts';
import { isSignificant, welchFromSums } from '../domain/stats.ts';
import { audienceReach, audienceTag, saveAudience, segmentLink } from '../audience.ts';
import { sqlFor } from '../../store/interfaces.ts';
import { addDays } from './util.ts';

const LOOK = 180;

export const communityChapter: ChapterBuilder = {
  key: 'community',
  async build(ctx) {
    const { app, window: w } = ctx;
    const d0 = addDays(w.to, -LOOK + 1);
    const arms = await communityLift(app.warehouse, { ws: app.workspaceId, d0, to: w.to });
    const m = arms.find((a) => a.member);
    const o = arms.find((a) => !a.member);
    if (!m || !o || m.customers < 30 || o.customers < 30) {
      return { omitted: both((l) => (l === 'zh' ? `${d0} 前的已购客户中社群成员不足 30 人（或没有社群数据），无法比较社群效应。` : `Fewer than 30 buyers before ${d0} were group members (or there are no groups): community effects cannot be compared.`)) };
    }
    // A group raises how often members buy (a rate), so the test is on orders per customer, not on "ordered at all".
    const sig = welchFromSums(m.customers, m.orders, m.ordersSq, o.customers, o.orders, o.ordersSq);
    const om = m.orders / m.customers;
    const oo = o.orders / o.customers;
    const rm = m.ordered / m.customers;
    const ro = o.ordered / o.customers;
    const perM = m.gmv / m.customers;
    const perO = o.gmv / o.customers;
    const inc = (perM - perO) * m.customers;
    const significant = isSignificant(sig);
    const chart = {
      id: 'community-lift', kind: 'bar' as const, unit: 'ratio' as const,
      title: both((l) => (l === 'zh' ? `近 ${LOOK} 天人均订单数：社群成员与非成员` : `Orders per customer in the last ${LOOK} days: group members vs others`)),
      categories: [{ zh: '社群成员', en: 'Group members' }, { zh: '非成员', en: 'Non-members' }],
      series: [{ name: both((l) => (l === 'zh' ? '人均订单' : 'Orders per customer')), data: [om, oo] }],
    };
    const findings: Finding[] = [{
      id: 'community-lift', chapter: 'community', chart, significance: sig ?? undefined, tags: significant && om > oo ? ['community_lift'] : [],
      impact: significant ? Math.abs(inc) : 0, impactBasis: 'yuan',
      title: both((l) => (significant
        ? (l === 'zh' ? `社群成员人均下单多 ${fmtPct(om / oo - 1)}，人均多贡献 ${fmtYuan(perM - perO, l)}` : `Group members order ${fmtPct(om / oo - 1)} more often and spend ${fmtYuan(perM - perO, l)} more each`)
        : (l === 'zh' ? '社群成员与非成员的人均订单数无显著差异' : 'Group members and others order about as often (no significant difference)'))),
      statement: both((l) => (l === 'zh'
        ? `${d0} 前已购的客户中，${fmtCount(m.customers, l)} 位社群成员在 ${d0} 至 ${w.to} 间人均下单 ${om.toFixed(2)} 次（${fmtPct(rm)} 至少下单一次）、人均成交 ${fmtYuan(perM, l)}；${fmtCount(o.customers, l)} 位非成员人均 ${oo.toFixed(2)} 次（${fmtPct(ro)}）、${fmtYuan(perO, l)}（${fmtP(sig?.pValue ?? 1)}）。`
        : `Of buyers before ${d0}, the ${fmtCount(m.customers, l)} group members placed ${om.toFixed(2)} orders each between ${d0} and ${w.to} (${fmtPct(rm)} ordered at least once), ${fmtYuan(perM, l)} each; the ${fmtCount(o.customers, l)} non-members ${oo.toFixed(2)} (${fmtPct(ro)}), ${fmtYuan(perO, l)} (${fmtP(sig?.pValue ?? 1)}).`)),
      why: both((l) => (l === 'zh'
        ? `差额折合 ${fmtYuan(inc, l)}。这是观察性比较：入群的客户本身可能更活跃，因此拉新入群的收益应按小于此差额估计。`
        : `The gap is worth ${fmtYuan(inc, l)}. This is observational: customers who join may be keener to begin with, so the gain from inviting more should be taken as smaller than this gap.`)),
    }];
    const recommendations: Recommendation[] = [];
    if (significant && om > oo && perM > perO) {
      const rule = both((l) => (l === 'zh' ? `${d0} 至 ${w.to} 下过单、目前不在任何社群的客户` : `ordered between ${d0} and ${w.to} and in no group now`));
      const size = await saveAudience(app, 'invite_to_community', rule, sqlFor(app.warehouse.dialect, NON_MEMBER_BUYERS, 'nonMemberBuyers'), { ws: app.workspaceId, d0, to: w.to });
      const channels = (await audienceReach(app, 'invite_to_community')).filter((c) => c.channel === 'wecom');
      const reach = channels[0]?.reachable ?? 0;
      const joinRate = m.customers / (m.customers + o.customers);
      recommendations.push({
        id: 'invite-to-community', basedOn: ['community-lift'], audience: size, channels,
        segment: { key: audienceTag('invite_to_community'), link: segmentLink('invite_to_community'), rule },
        expectedYuan: reach * joinRate * (perM - perO) * 0.5,
        title: both((l) => (l === 'zh' ? `邀请 ${fmtCount(size, l)} 位近期购买者加入社群` : `Invite ${fmtCount(size, l)} recent buyers into community groups`)),
        action: both((l) => (reach > 0
          ? (l === 'zh' ? `由导购通过企业微信向其中已同意企微营销的 ${fmtCount(reach, l)} 人发送入群邀请。` : `Have store guides send a group invitation over WeCom to the ${fmtCount(reach, l)} who consented to WeCom marketing.`)
          : (l === 'zh' ? '这些客户都没有企微营销同意：先在企微添加好友时征得同意。' : 'None has consented to WeCom marketing: ask for it when they add a guide on WeCom.'))),
        assumption: both((l) => (l === 'zh'
          ? `可触达 ${fmtCount(reach, l)} 人 × 入群率 ${fmtPct(joinRate)}（现有已购客户的入群比例）× 人均差额 ${fmtYuan(perM - perO, l)} × 0.5（观察性差额按一半计，扣除自选择偏差）`
          : `${fmtCount(reach, l)} reachable × join rate ${fmtPct(joinRate)} (share of buyers in groups today) × ${fmtYuan(perM - perO, l)} gap per customer × 0.5 (half the observational gap, for self-selection)`)),
      });
    }
    return {
      recommendations,
      chapter: {
        key: 'community', title: CHAPTER_TITLES.community, findings, charts: [],
        lead: both((l) => (l === 'zh'
          ? `比较 ${d0} 时在群与不在群的已购客户在之后 ${LOOK} 天内的人均订单数（Welch 均值差检验）。`
          : `Buyers in a group on ${d0} against those who were not, on orders per customer in the ${LOOK} days after (Welch test of means).`)),
      },
    };
  },
};
