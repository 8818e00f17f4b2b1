import { DAY } from './model/calendar.ts';
import type { DirtCounter } from './model/dirt.ts';
import type { EventCounts } from './model/events.ts';
import type { Behaviour } from './model/orders.ts';
import type { Person } from './model/person.ts';
import { CONSENT_PURPOSES, type DemoParams } from './model/params.ts';

/**
 * truth.json (真值): every planted parameter and every count the files hold, accumulated while generating, so a
 * test (or an analyst) can check the loaded store against what was planted. docs/demo.md describes each field.
 */
const inc = (o: Record<string, number>, k: string, n = 1) => (o[k] = (o[k] ?? 0) + n);
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

export class TruthAccumulator {
  people = 0;
  buyers = 0;
  memberRecords = 0;
  duplicateRecords = 0;
  peopleWithDuplicates = 0;
  duplicatesVia: Record<string, number> = {};
  acquisition: Record<string, number> = {};
  ordersByChannel: Record<string, number> = {};
  ordersByStatus: Record<string, number> = {};
  ordersByFile: Record<string, number> = {};
  orderLinesByFile: Record<string, number> = {};
  rowsByFile: Record<string, number> = {};
  malformed: Record<string, { rows: number; reasons: string[] }> = {};
  paidCents = 0;
  grossCents = 0;
  refundCents = 0;
  naturalOrders = 0;
  repeatTransactions = 0;
  naturalSpendCents = 0;
  droppedOut = 0;
  sumLambda = 0;
  sumDropout = 0;
  sumTWeeks = 0;
  repurchase = { members: { eligible: 0, repurchased: 0 }, non_members: { eligible: 0, repurchased: 0 } };
  groupMembers = 0;
  groupLeaves = 0;
  winback = { treatment: { assigned: 0, converted: 0 }, holdout: { assigned: 0, converted: 0 } };
  coupons: Record<string, { issued: number; redeemed: number }> = {};
  events: Record<string, number> = {};
  funnel: EventCounts = { viewSessions: 0, cartSessions: 0, orderSessions: 0, reads: 0, likes: 0, shares: 0 };
  consents: Record<string, { granted: number; withdrawn: number; current: number }> = {};
  minors = { total: 0, with_guardian_consent: 0, without_guardian_consent: 0 };
  birthdays = 0;
  withEmail = 0;
  withUnionid = 0;
  withOpenid = 0;
  contacts = { rows: 0, people: 0, people_with_two_guides: 0 };
  momBuyers = 0;

  constructor(private readonly endAt: number) {}

  addPerson(person: Person, b: Behaviour, momIndexes: Set<number>): void {
    this.people++;
    inc(this.acquisition, person.acquisition);
    this.memberRecords += 1 + person.extraRecords.length;
    this.duplicateRecords += person.extraRecords.length;
    if (person.extraRecords.length) this.peopleWithDuplicates++;
    for (const r of person.extraRecords) inc(this.duplicatesVia, r.via);
    if (person.birthday) this.birthdays++;
    if (person.email) this.withEmail++;
    if (person.unionid) this.withUnionid++;
    if (person.openid) this.withOpenid++;
    if (person.minor) {
      this.minors.total++;
      if (person.guardianConsent) this.minors.with_guardian_consent++;
      else this.minors.without_guardian_consent++;
    }
    for (const purpose of [...CONSENT_PURPOSES, 'guardian']) {
      const rows = person.consents.filter((c) => c.purpose === purpose);
      if (!rows.length) continue;
      const c = (this.consents[purpose] ??= { granted: 0, withdrawn: 0, current: 0 });
      c.granted++;
      if (rows.some((x) => x.status === 'withdrawn')) c.withdrawn++;
      else c.current++;
    }
    const plan = b.plan;
    if (!plan) return;
    this.buyers++;
    this.sumLambda += plan.lambda;
    this.sumDropout += plan.dropout;
    if (plan.droppedOut) this.droppedOut++;
    this.naturalOrders += plan.times.length;
    this.repeatTransactions += plan.times.length - 1;
    this.sumTWeeks += (this.endAt - plan.times[0]) / (7 * DAY);
    const first = plan.times[0];
    if (first <= this.endAt - 90 * DAY) {
      const arm = plan.group ? this.repurchase.members : this.repurchase.non_members;
      arm.eligible++;
      if (b.orders.filter((o) => o.at < first + 90 * DAY).length >= 2) arm.repurchased++;
    }
    if (plan.group) {
      this.groupMembers++;
      if (plan.group.leftAt) this.groupLeaves++;
    }
    if (b.winback) {
      const w = this.winback[b.winback.arm];
      w.assigned++;
      if (b.winback.converted) w.converted++;
    }
    for (const c of b.coupons) {
      const k = (this.coupons[c.campaignId] ??= { issued: 0, redeemed: 0 });
      k.issued++;
      if (c.redeemedAt !== null) k.redeemed++;
    }
    let mom = false;
    for (const o of b.orders) {
      inc(this.ordersByChannel, o.channel);
      inc(this.ordersByStatus, o.status);
      this.paidCents += o.paidCents;
      this.grossCents += o.grossCents;
      this.refundCents += o.refundCents;
      if (o.natural) this.naturalSpendCents += o.paidCents;
      if (o.lines.some((l) => momIndexes.has(l.product))) mom = true;
    }
    if (mom) this.momBuyers++;
  }

  file(name: string, rows: number, orders = 0, lines = 0): void {
    inc(this.rowsByFile, name, rows);
    if (orders) inc(this.ordersByFile, name, orders);
    if (lines) inc(this.orderLinesByFile, name, lines);
  }

  malformedRow(file: string, reason: string): void {
    const m = (this.malformed[file] ??= { rows: 0, reasons: [] });
    m.rows++;
    if (!m.reasons.includes(reason)) m.reasons.push(reason);
  }

  toJSON(params: DemoParams, meta: { seed: number; customers: number; files: Record<string, { rows: number; bytes: number; encoding: string }> }, dirt: DirtCounter): unknown {
    const { r, alpha } = params.bgnbd;
    const t = 90 / 7;
    const c = params.groups.rateMultiplier;
    const expNon = 1 - Math.pow(alpha / (alpha + t), r);
    const expMem = 1 - Math.pow(alpha / (alpha + c * t), r);
    const rate = (x: { eligible: number; repurchased: number }) => (x.eligible ? round(x.repurchased / x.eligible) : 0);
    const conv = (x: { assigned: number; converted: number }) => (x.assigned ? round(x.converted / x.assigned) : 0);
    const holdoutRate = conv(this.winback.holdout);
    const orders = Object.values(this.ordersByChannel).reduce((a, b) => a + b, 0);
    const consentRates = Object.fromEntries(Object.entries(this.consents).map(([k, v]) => [k, { ...v, rate: round(v.current / this.people), planted_rate: k === 'guardian' ? null : round(params.consent.grant[k] * (1 - params.consent.withdrawRate)) }]));
    return {
      generator: 'siyu demo', version: 1, seed: meta.seed, customers: meta.customers,
      brand: '山岚茶事 (Shanlan Tea & Living, fictional)', timezone: 'Asia/Shanghai', window: { start: params.start, end: params.end },
      parameters: params,
      people: {
        distinct: this.people, buyers: this.buyers, member_records: this.memberRecords, planted_duplicate_records: this.duplicateRecords,
        people_with_duplicates: this.peopleWithDuplicates, duplicates_linked_by: this.duplicatesVia, by_acquisition_channel: this.acquisition,
        with_birthday: this.birthdays, with_email: this.withEmail, with_unionid: this.withUnionid, with_openid: this.withOpenid,
        minors_under_14: this.minors, mom_category_buyers: this.momBuyers,
      },
      orders: {
        total: orders, by_channel: this.ordersByChannel, by_status: this.ordersByStatus, by_file: this.ordersByFile, lines_by_file: this.orderLinesByFile,
        paid_yuan: this.paidCents / 100, gross_yuan: this.grossCents / 100, discount_yuan: (this.grossCents - this.paidCents) / 100, refund_yuan: this.refundCents / 100,
        natural: this.naturalOrders, campaign: orders - this.naturalOrders,
      },
      bgnbd_sample: {
        note: 'BG/NBD holds exactly on the seasonal operational clock for orders without campaign_id of customers never in a group; time unit week; first order = time 0',
        buyers: this.buyers, repeat_transactions: this.repeatTransactions, mean_T_weeks: round(this.sumTWeeks / Math.max(1, this.buyers), 3),
        mean_lambda_per_week: round(this.sumLambda / Math.max(1, this.buyers)), mean_dropout_p: round(this.sumDropout / Math.max(1, this.buyers)),
        dropped_out_by_end: this.droppedOut,
        planted_mean_lambda: round(r / alpha), planted_mean_p: round(params.bgnbd.a / (params.bgnbd.a + params.bgnbd.b)),
      },
      gamma_gamma_sample: {
        mean_paid_per_natural_order_yuan: round(this.naturalSpendCents / 100 / Math.max(1, this.naturalOrders), 2),
        planted_mean_spend_yuan: round((params.gammaGamma.p * params.gammaGamma.gamma) / (params.gammaGamma.q - 1), 2),
      },
      groups: {
        members: this.groupMembers, left: this.groupLeaves, planted_rate_multiplier: c,
        repurchase_90d: {
          definition: 'buyers whose first order is ≥ 90 days before the end; repurchased = a second order within 90 days of the first; member = joined a group (within 3 days of the first order)',
          members: { ...this.repurchase.members, rate: rate(this.repurchase.members), expected_rate: round(expMem) },
          non_members: { ...this.repurchase.non_members, rate: rate(this.repurchase.non_members), expected_rate: round(expNon) },
          lift: round(rate(this.repurchase.members) / Math.max(1e-9, rate(this.repurchase.non_members))), expected_lift: round(expMem / expNon),
          recover_multiplier: 'c = ((alpha / (1 - members.rate)^(1/r)) - alpha) / t, t = 90/7 weeks',
        },
      },
      winback: {
        campaign_id: 'CMP-WB-2606', planted_incremental_conversion: params.winback.incremental,
        treatment: { ...this.winback.treatment, rate: conv(this.winback.treatment) }, holdout: { ...this.winback.holdout, rate: holdoutRate },
        uplift: round(conv(this.winback.treatment) - holdoutRate), expected_uplift: round(params.winback.incremental * (1 - holdoutRate)),
        definition: 'converted = any order in [start, start + windowDays)',
      },
      coupons: this.coupons,
      funnel: {
        view_sessions: this.funnel.viewSessions, cart_sessions: this.funnel.cartSessions, order_sessions: this.funnel.orderSessions,
        view_to_cart: round(this.funnel.cartSessions / Math.max(1, this.funnel.viewSessions)), cart_to_order: round(this.funnel.orderSessions / Math.max(1, this.funnel.cartSessions)),
        planted: params.funnel,
      },
      content: {
        reads: this.funnel.reads, likes: this.funnel.likes, shares: this.funnel.shares,
        like_rate: round(this.funnel.likes / Math.max(1, this.funnel.reads)), share_rate: round(this.funnel.shares / Math.max(1, this.funnel.reads)),
        planted: { like_rate: params.content.likeRate, share_rate: params.content.shareRate },
      },
      events: { by_type: this.events, total: Object.values(this.events).reduce((a, b) => a + b, 0) },
      consents: consentRates,
      contacts: this.contacts,
      dirt: { phones_by_file_and_format: dirt.phones, other: dirt.other, malformed_rows: this.malformed },
      files: meta.files,
    };
  }
}
