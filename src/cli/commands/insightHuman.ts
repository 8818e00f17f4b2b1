import { KPI_CATALOGUE } from '../../domain/metrics/kpis.ts';
import type { CohortReport, FunnelReport, KpiReport, RfmReport } from '../../insight/index.ts';
import type { LifecycleReport } from '../../insight/lifecycle.ts';
import type { TierReport } from '../../insight/tiers.ts';
import type { campaignUplift, customerPortrait, staffScorecard } from '../../insight/index.ts';
import { textTable, type Cell } from './textTable.ts';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? '—' : Number.isInteger(x) ? x.toLocaleString('en') : x.toFixed(2));
const money = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `¥${x.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);

type Portrait = Awaited<ReturnType<typeof customerPortrait>>;
type Staff = Awaited<ReturnType<typeof staffScorecard>>;
type Campaigns = Awaited<ReturnType<typeof campaignUplift>>;

const COHORT_STEP: Record<string, string> = { week: 'W', month: 'M', quarter: 'Q' };

function portrait(r: Portrait): string {
  const a = r.attributes;
  const out = [
    `客户 Customer ${r.customer_id}  (${a.status})  分析 analytics: ${r.analytics.permitted ? '可用 permitted' : `不可用 excluded (${r.analytics.reason})`}`,
    '',
    textTable(['属性 Attribute', '值 Value'], [
      ['姓名 Name', a.name], ['性别 Gender', a.gender], ['出生年 Birth year', a.birth_year], ['省份 Province', a.province], ['城市 City', a.city],
      ['城市等级 City tier', a.city_tier], ['获客渠道 Acquisition channel', a.acquisition_channel], ['获客时间 Acquired at', a.acquired_at],
      ['注册时间 Registered at', a.registered_at], ['会员等级 Member tier', a.member_tier], ['导购 Guide', a.owner_staff_code], ['门店 Home store', a.home_store_code],
    ].map(([k, x]) => [k as string, x as Cell]), [false, false]),
    '',
    r.identifiers.length ? textTable(['标识 Identifier', '脱敏值 Masked'], r.identifiers.map((x) => [x.type, x.masked])) : '标识 Identifiers: —',
    '',
    r.consent.length ? textTable(['同意用途 Purpose', '状态 Status', '变更时间 Changed at'], r.consent.map((c) => [c.purpose, c.status, c.changed_at])) : '同意 Consent: — (analytics allowed until withdrawn; other purposes need a grant)',
  ];
  if (!r.analytics.permitted || !r.value || !r.preferences) {
    out.push('', '该客户不参与分析：标签、评分、价值、偏好与时间线不显示。 / Not analysed: tags, scores, value, preferences and the timeline are left out.');
    return out.join('\n');
  }
  const v = r.value;
  const p = r.preferences;
  const rfm = r.scores.rfm;
  out.push('', textTable(['指标 Measure', '值 Value'], [
    ['标签 Tags', r.tags.map((t) => `${t.tag}${t.source === 'manual' ? '*' : ''}`).join(', ') || '—'],
    ['RFM 分层 Segment', rfm ? `${rfm.segment} ${rfm.segment_en} (R ${rfm.recency_days}d, F ${rfm.frequency}, M ${money(rfm.monetary)})` : '—'],
    ['首单 First order', v.first_order_date as Cell], ['末单 Last order', v.last_order_date as Cell], ['订单 Orders', num(v.orders)],
    ['成交额 GMV', money(v.gmv)], ['净额 Net', money(v.net)],
    ['常购品类 Top categories', p.top_categories.map((c) => c.value).join(', ') || '—'], ['常购品牌 Top brands', p.top_brands.map((b) => b.value).join(', ') || '—'],
    ['常用渠道 Channel', p.channel], ['常下单时段 Hour', p.hour === null ? null : `${p.hour}:00`], ['价格敏感度 Price sensitivity', pct(p.price_sensitivity)],
  ], [false, false]));
  if (r.timeline.length) {
    out.push('', textTable(['时间 Time', '类型 Kind', '编号 Ref', '渠道 Channel', '金额 Amount', '状态 Status'],
      r.timeline.map((t) => [t.ts, t.kind, t.ref, t.channel, money(t.amount), t.status]),
      [false, false, false, false, true, false]));
  }
  return out.join('\n');
}

function funnel(r: FunnelReport): string {
  const head = [`${r.window.from} … ${r.window.to}  单位 unit: ${r.unit}  窗口 window: ${r.window_hours}h`, ''];
  const cols = ['分组 Breakdown', ...r.steps.map((s, k) => (k === 0 ? s : `${s} (转化 rate)`)), '总转化 Overall'];
  const rows = r.rows.map((x) => [x.breakdown, ...x.counts.map((n, k) => (k === 0 ? num(n) : `${num(n)} (${pct(x.step_rates[k])})`)), pct(x.overall_rate)]);
  return [...head, textTable(cols, rows, cols.map((_, i) => i > 0))].join('\n');
}

function staff(r: Staff): string {
  return [`${r.window.from} … ${r.window.to}`, '', textTable(
    ['导购 Guide', '门店 Store', '好友 Contacts', '活跃 Active', '好友成交 Contacts GMV', '复购率 Repurchase', '业绩订单 Credited orders', '业绩成交 Credited GMV'],
    r.staff.map((s) => [s.staff_code, s.store_code, num(s.contacts), num(s.active_contacts), money(s.contacts_gmv), pct(s.contacts_repurchase_rate), num(s.credited_orders), money(s.credited_gmv)]),
    [false, false, true, true, true, true, true, true],
  )].join('\n');
}

function campaigns(r: Campaigns): string {
  if (!r.campaigns.length) return '没有活动 No campaigns.';
  const rows: (string | null)[][] = [];
  for (const c of r.campaigns) {
    for (const [arm, a] of [['实验组 treatment', c.treatment], ['对照组 holdout', c.holdout]] as const) {
      rows.push([c.campaign_id, c.name, arm, a ? num(a.members) : null, a ? num(a.converted) : null, a ? pct(a.rate) : null, a ? money(a.gmv_per_member) : null]);
    }
    const u = c.uplift;
    rows.push(['', '', '增量 uplift', null, null, u ? `${u.absolute >= 0 ? '+' : ''}${(u.absolute * 100).toFixed(1)} pt [${(u.ci95[0] * 100).toFixed(1)}, ${(u.ci95[1] * 100).toFixed(1)}]` : null, u ? money(u.gmv_per_member) : null]);
  }
  const windows = r.campaigns.map((c) => `${c.campaign_id}: ${c.from} … ${c.until}`);
  return [textTable(['活动 Campaign', '名称 Name', '组 Arm', '人数 Members', '转化 Converted', '转化率 Rate', '人均成交 GMV / member'], rows,
    [false, false, false, true, true, true, true]), '', ...windows].join('\n');
}

function cohort(r: CohortReport): string {
  const span = Math.max(0, ...r.cohorts.map((c) => c.retention.length));
  const step = COHORT_STEP[r.period] ?? '+';
  const cols = ['同期群 Cohort', '人数 Size', ...Array.from({ length: span }, (_, k) => `${step}${k}`)];
  const rows = r.cohorts.map((c) => [c.cohort, num(c.size), ...Array.from({ length: span }, (_, k) => (k < c.retention.length ? pct(c.retention[k]) : ''))]);
  return [`留存率 Retention by ${r.period} since the first order (${step}0 = the first ${r.period})`, '', textTable(cols, rows, cols.map((_, i) => i > 0))].join('\n');
}

/** Human-readable text of insight answers on a terminal (JSON is printed under --json). */
export const HUMAN: Record<string, (r: any) => string> = {
  kpi: (r: KpiReport) => {
    const lines = [`window ${r.window.from} … ${r.window.to}`];
    for (const [k, zh, en] of KPI_CATALOGUE) {
      const ch = r.change ? `  环比 ${pct(r.change.previous[k])}  同比 ${pct(r.change.last_year[k])}` : '';
      lines.push(`${zh} ${en}: ${k.endsWith('_rate') ? pct(r[k]) : num(r[k])}${ch}`);
    }
    return lines.join('\n');
  },
  cohort,
  rfm: (r: RfmReport) => [
    `reference ${r.reference_date}; ${r.customers} customers; thresholds R<${r.thresholds.recency_days.toFixed(1)}d F>${r.thresholds.frequency.toFixed(2)} M>${r.thresholds.monetary.toFixed(2)}`,
    ...r.segments.map((s) => `${s.name} ${s.name_en}: ${s.size} (${pct(s.share)})`),
    `R scores ${JSON.stringify(r.scores.r)}`, `F scores ${JSON.stringify(r.scores.f)}`, `M scores ${JSON.stringify(r.scores.m)}`,
  ].join('\n'),
  lifecycle: (r: LifecycleReport) => [`as of ${r.as_of}`, ...r.stages.map((s) => `${s.name} ${s.name_en}: ${s.customers}`)].join('\n'),
  tiers: (r: TierReport) => [`${r.month ?? '—'}`, ...r.distribution.map((d) => `${d.name} ${d.name_en}: ${d.customers}`), ...r.history.map((h) => `${h.month} ↑${h.upgrades} ↓${h.downgrades}`)].join('\n'),
  customer: portrait,
  funnel,
  staff,
  campaigns,
};
