/** 社群运营: do group members repurchase more (the insight engine's community lift), how sure we are, whom to invite. */
import type { ChapterBuilder } from '../context.ts';
import type { Chart, Finding, Recommendation } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtP, fmtPct, fmtPp, fmtYuan } from '../i18n.ts';
import { communityLift } from '../../insight/engagement.ts';
import { NON_MEMBER_BUYERS } from '../queries/nonMemberBuyers.ts';
import { isSignificant, twoProportionZ } from '../domain/stats.ts';
import { audienceReach, audienceTag, saveAudience, segmentLink } from '../audience.ts';
import { sqlFor } from '../../store/interfaces.ts';
import { addDays } from './util.ts';

export const communityChapter: ChapterBuilder = {
  key: 'community',
  async build(ctx) {
    const { app, window: w } = ctx;
    const c = await communityLift(app, { filters: { to: w.to } });
    const m = c.repurchase.members;
    const o = c.repurchase.non_members;
    if (m.eligible < 30 || o.eligible < 30) {
      return { omitted: both((l) => (l === 'zh' ? `社群成员或非成员中可比较的首购客户不足 30 人（成员 ${m.eligible}，非成员 ${o.eligible}），无法比较社群效应。` : `Fewer than 30 comparable first-time buyers among group members or others (members ${m.eligible}, others ${o.eligible}): community effects cannot be compared.`)) };
    }
    const sig = twoProportionZ(m.repurchased, m.eligible, o.repurchased, o.eligible);
    const rm = m.rate ?? 0;
    const ro = o.rate ?? 0;
    const significant = isSignificant(sig);
    const days = c.days;
    const chart: Chart = {
      id: 'community-lift', kind: 'bar', unit: 'percent',
      title: both((l) => (l === 'zh' ? `首单后 ${days} 天内复购率：社群成员与非成员` : `Repurchase within ${days} days of the first order: group members vs others`)),
      categories: [{ zh: '社群成员', en: 'Group members' }, { zh: '非成员', en: 'Non-members' }],
      series: [{ name: both((l) => (l === 'zh' ? '复购率' : 'Repurchased')), data: [rm, ro] }],
    };
    const groups = c.groups.slice(0, 10);
    const groupChart: Chart | null = groups.length ? {
      id: 'community-groups', kind: 'hbar', unit: 'yuan',
      title: both((l) => (l === 'zh' ? '成交额最高的 10 个社群' : 'The 10 groups with the most GMV')),
      categories: groups.map((g) => ({ zh: g.name, en: g.name })),
      series: [{ name: both((l) => (l === 'zh' ? '成员成交额' : 'Members\' GMV')), data: groups.map((g) => g.gmv) }],
    } : null;
    const extra = (rm - ro) * m.eligible * ctx.aov;
    const findings: Finding[] = [{
      id: 'community-lift', chapter: 'community', minSpanDays: days + c.grace_days, chart, significance: sig ?? undefined, tags: significant && rm > ro ? ['community_lift'] : [],
      impact: significant ? Math.abs(extra) * (365 / days) : 0, impactBasis: 'yuan',
      title: both((l) => (significant
        ? (l === 'zh' ? `社群成员首单后复购率高出 ${fmtPp(rm - ro, l)}（${fmtPct(rm)} 对 ${fmtPct(ro)}）` : `Group members repurchase more: ${fmtPct(rm)} against ${fmtPct(ro)} (${fmtPp(rm - ro, l)})`)
        : (l === 'zh' ? '社群成员与非成员的复购率无显著差异' : 'Group members and others repurchase at rates not significantly different'))),
      statement: both((l) => (l === 'zh'
        ? `首单在 ${c.window.from} 至 ${c.window.to} 间的客户中，首单前后 ${c.grace_days} 天内入群的 ${fmtCount(m.eligible, l)} 人有 ${fmtPct(rm)} 在 ${days} 天内复购，其余 ${fmtCount(o.eligible, l)} 人为 ${fmtPct(ro)}（相对提升 ${fmtPct((c.repurchase.lift ?? 1) - 1)}，${fmtP(sig?.pValue ?? 1)}）。`
        : `Of customers whose first order fell between ${c.window.from} and ${c.window.to}, the ${fmtCount(m.eligible, l)} who joined a group by ${c.grace_days} days after it repurchased within ${days} days ${fmtPct(rm)} of the time, the other ${fmtCount(o.eligible, l)} ${fmtPct(ro)} (${fmtPct((c.repurchase.lift ?? 1) - 1)} relative lift, ${fmtP(sig?.pValue ?? 1)}).`)),
      why: both((l) => (l === 'zh'
        ? `按客单价 ${fmtYuan(ctx.aov, l)} 折算，这一差距约值 ${fmtYuan(extra, l)}/${days} 天。这是观察性比较：主动入群的客户本身可能更活跃，拉新入群的收益应按小于此差距估计。`
        : `At an AOV of ${fmtYuan(ctx.aov, l)} the gap is worth about ${fmtYuan(extra, l)} per ${days} days. It is observational: customers who join may be keener to begin with, so the gain from inviting more should be taken as smaller.`)),
    }];
    const recommendations: Recommendation[] = [];
    if (significant && rm > ro && ctx.dataDays >= days + c.grace_days) {
      const d0 = addDays(w.to, -179);
      const rule = both((l) => (l === 'zh' ? `${d0} 至 ${w.to} 下过单、目前不在任何社群的客户` : `ordered between ${d0} and ${w.to} and in no group now`));
      const size = await saveAudience(app, 'invite_to_community', rule, sqlFor(app.warehouse.dialect, NON_MEMBER_BUYERS, 'nonMemberBuyers'), { ws: app.workspaceId, d0, to: w.to });
      const channels = (await audienceReach(app, 'invite_to_community')).filter((x) => x.channel === 'wecom');
      const reach = channels[0]?.reachable ?? 0;
      const joinRate = m.eligible / (m.eligible + o.eligible);
      recommendations.push({
        id: 'invite-to-community', basedOn: ['community-lift'], audience: size, channels,
        segment: { key: audienceTag('invite_to_community'), link: segmentLink('invite_to_community'), rule },
        expectedYuan: reach * joinRate * (rm - ro) * ctx.aov * 0.5,
        title: both((l) => (l === 'zh' ? `邀请 ${fmtCount(size, l)} 位近期购买者加入社群` : `Invite ${fmtCount(size, l)} recent buyers into community groups`)),
        action: both((l) => (reach > 0
          ? (l === 'zh' ? `由导购通过企业微信向其中已同意企微营销的 ${fmtCount(reach, l)} 人发送入群邀请。` : `Have store guides send a group invitation over WeCom to the ${fmtCount(reach, l)} who consented to WeCom marketing.`)
          : (l === 'zh' ? '这些客户都没有企微营销同意：先在企微添加好友时征得同意。' : 'None has consented to WeCom marketing: ask for it when they add a guide on WeCom.'))),
        assumption: both((l) => (l === 'zh'
          ? `可触达 ${fmtCount(reach, l)} 人 × 入群率 ${fmtPct(joinRate)}（首购客户中入群的比例）× 复购率差 ${fmtPp(rm - ro, l)} × 客单价 ${fmtYuan(ctx.aov, l)} × 0.5（观察性差距按一半计，扣除自选择偏差）`
          : `${fmtCount(reach, l)} reachable × join rate ${fmtPct(joinRate)} (share of first-time buyers who joined) × repurchase gap ${fmtPp(rm - ro, l)} × AOV ${fmtYuan(ctx.aov, l)} × 0.5 (half the observational gap, for self-selection)`)),
      });
    }
    return {
      recommendations,
      chapter: {
        key: 'community', title: CHAPTER_TITLES.community, findings, charts: groupChart ? [groupChart] : [],
        lead: both((l) => (l === 'zh'
          ? `${c.groups.length} 个社群。按洞察引擎的社群效应口径：首单后 ${c.grace_days} 天内入群者与未入群者比较 ${days} 天内复购率（双样本比例 z 检验）。`
          : `${c.groups.length} groups. The insight engine's community lift: customers who joined within ${c.grace_days} days of their first order against those who did not, on repurchase within ${days} days (two-proportion z-test).`)),
      },
    };
  },
};
