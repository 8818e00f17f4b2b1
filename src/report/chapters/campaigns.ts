/** 营销活动: each recent campaign's conversion against its randomised holdout, with the incremental revenue. */
import type { ChapterBuilder } from '../context.ts';
import type { Finding } from '../model.ts';
import { CHAPTER_TITLES, both, fmtCount, fmtP, fmtPct, fmtPp, fmtYuan } from '../i18n.ts';
import { codeName } from '../labels.ts';
import { LAPSED_BUYERS } from '../queries/lapsedBuyers.ts';
import { campaignUplift } from '../../insight/engagement.ts';
import { workspaceTimezone } from '../../insight/timezone.ts';
import { audienceReach, audienceTag, saveAudience, segmentLink } from '../audience.ts';
import { sqlFor } from '../../store/interfaces.ts';
import type { Recommendation } from '../model.ts';
import { isSignificant, twoProportionZ } from '../domain/stats.ts';
import { daysBetween } from './util.ts';
import { instantMs } from '../../domain/time/instant.ts';

/** One arm as the report uses it. */
export interface CampaignArm {
  name: string;
  channel: string | null;
  started: string;
  ended: string;
  members: number;
  converted: number;
  gmv: number;
}

export interface CampaignResult {
  id: string;
  name: string;
  kind: string | null;
  treatment: CampaignArm;
  holdout: CampaignArm | null;
  /** Conversion uplift (share points) and incremental revenue, when there is a holdout. */
  uplift: number | null;
  incrementalYuan: number | null;
  significant: boolean;
}

type Uplift = Awaited<ReturnType<typeof campaignUplift>>['campaigns'][number];

/** The insight engine's campaign arms → the report's results, with the two-proportion test on conversion. */
export function campaignResults(campaigns: Uplift[], tz: string, channels: Map<string, string | null>): CampaignResult[] {
  const day = (ts: string) => new Date(instantMs(ts)).toLocaleDateString('sv-SE', { timeZone: tz });
  return campaigns.flatMap((c) => {
    if (!c.treatment) return [];
    const base = { name: c.name, channel: channels.get(c.campaign_id) ?? null, started: day(c.from), ended: day(c.until) };
    const t: CampaignArm = { ...base, members: c.treatment.members, converted: c.treatment.converted, gmv: c.treatment.gmv };
    const h: CampaignArm | null = c.holdout ? { ...base, members: c.holdout.members, converted: c.holdout.converted, gmv: c.holdout.gmv } : null;
    const id = c.campaign_id;
    const uplift = h && h.members ? t.converted / t.members - h.converted / h.members : null;
    const inc = h && h.members ? (t.gmv / t.members - h.gmv / h.members) * t.members : null;
    const sig = h ? twoProportionZ(t.converted, t.members, h.converted, h.members) : null;
    return [{ id, name: t.name, kind: c.kind ?? null, treatment: t, holdout: h, uplift, incrementalYuan: inc, significant: isSignificant(sig) }];
  });
}

export const campaignsChapter: ChapterBuilder = {
  key: 'campaigns',
  async build(ctx) {
    const { app, window: w } = ctx;
    const tz = await workspaceTimezone(app);
    const rows = await app.warehouse.all(`select campaign_id, channel from campaigns where workspace_id = $ws`, { ws: app.workspaceId });
    const channels = new Map(rows.map((r) => [String(r.campaign_id), (r.channel as string | null) ?? null]));
    const yearAgo = new Date(Date.parse(`${w.to}T00:00:00Z`) - 365 * 86_400_000).toISOString().slice(0, 10);
    const results = campaignResults((await campaignUplift(app, {})).campaigns, tz, channels)
      .filter((r) => r.treatment.started <= w.to && r.treatment.ended >= yearAgo);
    if (!results.length) return { omitted: both((l) => (l === 'zh' ? `${w.to} 前一年内没有带成员名单的营销活动。` : `No campaign with a member list ran in the year before ${w.to}.`)) };
    // A proven win-back campaign is worth what rolling it out to today's lapsed buyers would bring.
    const LAPSED_DAYS = 90;
    const proven = results.find((r) => r.significant && (r.incrementalYuan ?? 0) > 0 && r.kind === 'winback');
    const recommendations: Recommendation[] = [];
    let rollout = 0;
    if (proven) {
      const rule = both((l) => (l === 'zh' ? `截至 ${w.to} 已购、但近 ${LAPSED_DAYS} 天未下单的客户` : `bought before but not in the ${LAPSED_DAYS} days to ${w.to}`));
      rollout = await saveAudience(app, 'winback_rollout', rule, sqlFor(app.warehouse.dialect, LAPSED_BUYERS, 'lapsedBuyers'), { ws: app.workspaceId, to: w.to, days: LAPSED_DAYS });
      const channels = await audienceReach(app, 'winback_rollout');
      const own = proven.treatment.channel ? channels.find((c) => c.channel === proven.treatment.channel) : undefined;
      const best = own ?? channels[0];
      const reach = best?.reachable ?? 0;
      const perMember = proven.incrementalYuan! / proven.treatment.members;
      recommendations.push({
        id: 'winback-rollout', basedOn: [`campaign-${proven.id}`], audience: rollout, channels,
        segment: { key: audienceTag('winback_rollout'), link: segmentLink('winback_rollout'), rule },
        expectedYuan: reach * perMember,
        title: both((l) => (l === 'zh' ? `把「${proven.name}」推广到 ${fmtCount(rollout, l)} 位近期未购客户` : `Roll "${proven.name}" out to ${fmtCount(rollout, l)} lapsed buyers`)),
        action: both((l) => (reach > 0
          ? (l === 'zh' ? `沿用原活动方案，通过${codeName(best!.channel).zh}触达其中已同意的 ${fmtCount(reach, l)} 人，并继续保留 20% 随机对照组以复核增量。` : `Run the same offer through ${codeName(best!.channel).en} to the ${fmtCount(reach, l)} who consented, keeping a 20% random holdout to re-measure the increment.`)
          : (l === 'zh' ? '这些客户都没有营销同意：先征得同意。' : 'None of them has consented to marketing: collect consent first.'))),
        assumption: both((l) => (l === 'zh'
          ? `可触达 ${fmtCount(reach, l)} 人 × 该活动实测的人均增量成交 ${fmtYuan(perMember, l)}（实验组 ${fmtCount(proven.treatment.members, l)} 人对比随机对照组 ${fmtCount(proven.holdout!.members, l)} 人）`
          : `${fmtCount(reach, l)} reachable × the campaign's measured incremental revenue of ${fmtYuan(perMember, l)} per member (${fmtCount(proven.treatment.members, l)} treated against a random holdout of ${fmtCount(proven.holdout!.members, l)})`)),
      });
    }
    const findings: Finding[] = results.map((r) => {
      const t = r.treatment;
      const h = r.holdout;
      const rt = t.converted / t.members;
      const sig = h ? twoProportionZ(t.converted, t.members, h.converted, h.members) : null;
      const chart = {
        id: `campaign-${r.id}`, kind: 'bar' as const, unit: 'percent' as const,
        title: both((l) => (l === 'zh' ? `${r.name}：活动期内下单率` : `${r.name}: share ordering during the campaign`)),
        categories: [{ zh: '实验组', en: 'Treatment' }, ...(h ? [{ zh: '对照组（未触达）', en: 'Holdout' }] : [])],
        series: [{ name: both((l) => (l === 'zh' ? '下单率' : 'Ordered')), data: [rt, ...(h ? [h.converted / h.members] : [])] }],
      };
      const inc = r.incrementalYuan ?? 0;
      const kind = r.kind ? codeName(r.kind) : { zh: '活动', en: 'campaign' };
      return {
        id: `campaign-${r.id}`, chapter: 'campaigns' as const, chart, significance: sig ?? undefined,
        // the orders must cover at least as many days as the campaign ran
        minSpanDays: daysBetween(t.started, t.ended) + 1,
        impact: r === proven ? (inc / t.members) * rollout : r.significant ? Math.abs(inc) : 0, impactBasis: 'yuan' as const, tags: r.significant && inc > 0 ? ['campaign_uplift'] : [],
        title: both((l) => (h
          ? (r.significant
            ? (l === 'zh' ? `「${r.name}」带来 ${fmtPp(r.uplift!, l)} 的增量下单率，增量成交 ${fmtYuan(inc, l)}` : `"${r.name}" lifted ordering by ${fmtPp(r.uplift!, l)}: ${fmtYuan(inc, l)} incremental`)
            : (l === 'zh' ? `「${r.name}」与对照组无显著差异` : `"${r.name}" shows no significant difference from its holdout`))
          : (l === 'zh' ? `「${r.name}」没有对照组，无法衡量增量` : `"${r.name}" has no holdout: its increment cannot be measured`))),
        statement: both((l) => (l === 'zh'
          ? `${t.started} 至 ${t.ended}，实验组 ${fmtCount(t.members, l)} 人中 ${fmtPct(rt)} 下单（${fmtYuan(t.gmv, l)}）${h ? `，对照组 ${fmtCount(h.members, l)} 人中 ${fmtPct(h.converted / h.members)}（${fmtP(sig?.pValue ?? 1)}）；按人均成交差额计，增量成交 ${fmtYuan(inc, l)}` : ''}。`
          : `${t.started} to ${t.ended}: ${fmtPct(rt)} of ${fmtCount(t.members, l)} in treatment ordered (${fmtYuan(t.gmv, l)})${h ? ` against ${fmtPct(h.converted / h.members)} of ${fmtCount(h.members, l)} in the holdout (${fmtP(sig?.pValue ?? 1)}); at the difference in revenue per member that is ${fmtYuan(inc, l)} incremental` : ''}.`)),
        why: both((l) => (h
          ? (l === 'zh' ? `随机对照排除了"本来就会买"的人：只有与对照组的差额才是${kind.zh}真正带来的。` : `The randomised holdout removes those who would have bought anyway: only the difference is what the ${kind.en} really brought.`)
          : (l === 'zh' ? '没有对照组，活动期成交里有多少本来就会发生无从得知；下次请保留随机对照组。' : 'Without a holdout, how much of the revenue would have happened anyway is unknown; keep a random holdout next time.'))),
      };
    });
    return {
      recommendations,
      chapter: {
        key: 'campaigns', title: CHAPTER_TITLES.campaigns, findings, charts: [],
        lead: both((l) => (l === 'zh'
          ? `${w.to} 前一年内的 ${results.length} 个活动，按实验组与随机对照组比较活动期内的下单率（双样本比例 z 检验）。`
          : `${results.length} campaigns of the year before ${w.to}, treatment against random holdout on the share ordering during the campaign (two-proportion z-test).`)),
      },
    };
  },
};
