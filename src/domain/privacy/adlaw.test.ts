import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintCopy, findAbsoluteTerms } from './adlaw.ts';
import { inQuietHours, nextSendTime, withinFrequencyCap, DEFAULT_SEND_POLICY } from './sendPolicy.ts';

test('given the tea SMS, absolute terms are reported with positions and the missing opt-out is an error', () => {
  const r = lintCopy('【茶语】全网最低价，国家级品质，今日下单立享五折', 'sms');
  assert.equal(r.ok, false);
  assert.deepEqual(r.findings.map((f) => [f.rule, f.term, f.start, f.end]), [
    ['absolute_term', '全网最低', 4, 8],
    ['absolute_term', '国家级', 10, 13],
    ['sms_opt_out_missing', undefined, undefined, undefined],
  ]);
  assert.ok(r.findings[0].suggestions.length > 0);
  assert.match(r.findings[2].suggestions[0], /拒收请回复R/);
  assert.equal(r.smsSegments, 1);
});

test('a compliant SMS passes: signature, no absolute terms, opt-out line', () => {
  for (const opt of ['拒收请回复R', '退订回T', '回TD退订', '回N退订']) {
    const r = lintCopy(`【茶语】秋季新茶上市，会员享9折，详情见小程序。${opt}`, 'sms');
    assert.deepEqual(r.findings, [], opt);
    assert.equal(r.ok, true);
  }
});

test('a missing or misplaced signature is flagged', () => {
  assert.ok(lintCopy('秋茶上市。拒收请回复R', 'sms').findings.some((f) => f.rule === 'sms_signature_missing'));
  const mid = lintCopy('秋茶上市【茶语】会员9折。拒收请回复R', 'sms');
  assert.deepEqual(mid.findings.map((f) => f.rule), ['sms_signature_misplaced']);
  assert.equal(mid.ok, true);
});

test('each banned family is caught; everyday words (最近, 最后, 第一次) are not claims', () => {
  const terms = findAbsoluteTerms('最佳口感，行业第一，唯一正宗，世界级工艺，顶级原料，极品好茶，绝对正宗，100%有机，No.1人气').map((f) => f.term);
  assert.deepEqual(terms, ['最佳', '第一', '唯一', '世界级', '顶级', '极品', '绝对', '100%', 'No.1']);
  assert.deepEqual(findAbsoluteTerms('最近下单的顾客，最后一天，第一次购买'), []);
  const generic = findAbsoluteTerms('最香的茶');
  assert.deepEqual(generic.map((f) => [f.term, f.severity]), [['最', 'warning']]);
});

test('long SMS are counted in billed segments; e-mail wants an unsubscribe line; other channels need neither', () => {
  const long = lintCopy(`【茶语】${'好茶'.repeat(40)}拒收请回复R`, 'sms');
  assert.equal(long.length, 90);
  assert.equal(long.smsSegments, 2);
  assert.equal(long.ok, true);
  assert.deepEqual(lintCopy('秋茶上市', 'email').findings.map((f) => f.rule), ['email_unsubscribe_missing']);
  assert.deepEqual(lintCopy('秋茶上市', 'wecom').findings, []);
});

test('quiet hours 21:00–08:00 Asia/Shanghai and the next allowed send time', () => {
  assert.equal(inQuietHours(new Date('2026-11-23T13:30:00Z')), true);   // 21:30 Beijing
  assert.equal(inQuietHours(new Date('2026-11-23T23:59:00Z')), true);   // 07:59 Beijing
  assert.equal(inQuietHours(new Date('2026-11-24T00:00:00Z')), false);  // 08:00 Beijing
  assert.equal(inQuietHours(new Date('2026-11-23T12:59:00Z')), false);  // 20:59 Beijing
  assert.equal(nextSendTime(new Date('2026-11-23T13:30:00Z')).toISOString(), '2026-11-24T00:00:00.000Z');
  const day = new Date('2026-11-24T02:00:00Z');
  assert.equal(nextSendTime(day), day);
});

test('frequency caps: 1 SMS a day, 2 a week, 4 a month', () => {
  const cap = DEFAULT_SEND_POLICY.caps.sms;
  const now = new Date('2026-11-23T04:00:00Z');
  const ago = (d: number) => new Date(now.getTime() - d * 86_400_000);
  assert.deepEqual(withinFrequencyCap([], now, cap), { ok: true });
  assert.deepEqual(withinFrequencyCap([ago(0.5)], now, cap), { ok: false, reason: 'per_day' });
  assert.deepEqual(withinFrequencyCap([ago(2), ago(3)], now, cap), { ok: false, reason: 'per_week' });
  assert.deepEqual(withinFrequencyCap([ago(8), ago(10), ago(20), ago(25)], now, cap), { ok: false, reason: 'per_month' });
  assert.deepEqual(withinFrequencyCap([ago(8), ago(10), ago(40)], now, cap), { ok: true });
});
