import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instantMs, localInstant, offsetMinutes } from './instant.ts';

test('a stored UTC instant prints in the zone with its offset (DST-free zones)', () => {
  assert.equal(localInstant('2026-06-04 12:12:00', 'Asia/Shanghai'), '2026-06-04T20:12:00+08:00');
  assert.equal(localInstant('2026-06-04 12:12:00.250731', 'Asia/Shanghai'), '2026-06-04T20:12:00.250+08:00');
  assert.equal(localInstant('2026-06-04 18:30:00', 'Asia/Shanghai'), '2026-06-05T02:30:00+08:00', 'the local day can be the next');
  assert.equal(localInstant('2026-01-01 00:00:00', 'Asia/Kolkata'), '2026-01-01T05:30:00+05:30');
  assert.equal(localInstant('2026-01-01 00:00:00', 'Asia/Kathmandu'), '2026-01-01T05:45:00+05:45');
  assert.equal(localInstant('2026-01-01 00:00:00', 'UTC'), '2026-01-01T00:00:00+00:00');
  assert.equal(localInstant('2026-01-01 00:00:00', 'Pacific/Kiritimati'), '2026-01-01T14:00:00+14:00');
  assert.equal(localInstant('2026-01-01 12:00:00', 'Pacific/Pago_Pago'), '2026-01-01T01:00:00-11:00');
});

test('zones with daylight saving time use the offset in force at that instant, across both changes', () => {
  // New York: EST −05:00 until 2026-03-08 07:00Z, EDT −04:00 until 2026-11-01 06:00Z
  assert.equal(localInstant('2026-03-08 06:59:59', 'America/New_York'), '2026-03-08T01:59:59-05:00');
  assert.equal(localInstant('2026-03-08 07:00:00', 'America/New_York'), '2026-03-08T03:00:00-04:00');
  assert.equal(localInstant('2026-11-01 05:30:00', 'America/New_York'), '2026-11-01T01:30:00-04:00');
  assert.equal(localInstant('2026-11-01 06:30:00', 'America/New_York'), '2026-11-01T01:30:00-05:00', 'the repeated hour, told apart by its offset');
  // London: GMT / BST; southern hemisphere: Sydney is on summer time in January
  assert.equal(localInstant('2026-07-01 12:00:00', 'Europe/London'), '2026-07-01T13:00:00+01:00');
  assert.equal(localInstant('2026-01-01 12:00:00', 'Europe/London'), '2026-01-01T12:00:00+00:00');
  assert.equal(localInstant('2026-01-15 00:00:00', 'Australia/Sydney'), '2026-01-15T11:00:00+11:00');
  assert.equal(localInstant('2026-07-15 00:00:00', 'Australia/Sydney'), '2026-07-15T10:00:00+10:00');
  // Lord Howe moves by half an hour; Newfoundland sits at −03:30 / −02:30
  assert.equal(localInstant('2026-01-15 00:00:00', 'Australia/Lord_Howe'), '2026-01-15T11:00:00+11:00');
  assert.equal(localInstant('2026-07-15 00:00:00', 'Australia/Lord_Howe'), '2026-07-15T10:30:00+10:30');
  assert.equal(localInstant('2026-07-15 12:00:00', 'America/St_Johns'), '2026-07-15T09:30:00-02:30');
  assert.equal(offsetMinutes(Date.UTC(2026, 0, 15), 'America/St_Johns'), -210);
});

test('every form a store hands over names the same instant; days and nulls are not instants', () => {
  const want = '2026-06-04T20:12:00+08:00';
  const ms = Date.UTC(2026, 5, 4, 12, 12);
  for (const v of [ms, new Date(ms), '2026-06-04 12:12:00', '2026-06-04T12:12:00', '2026-06-04 12:12', '2026-06-04T12:12:00Z', '2026-06-04T20:12:00+08:00', '2026-06-04T12:12:00.000Z']) {
    assert.equal(localInstant(v, 'Asia/Shanghai'), want, String(v));
  }
  assert.equal(localInstant(null, 'Asia/Shanghai'), null);
  assert.equal(localInstant(undefined, 'Asia/Shanghai'), null);
  assert.equal(localInstant('2026-06-04', 'Asia/Shanghai'), '2026-06-04', 'a calendar day stays a day');
  assert.ok(Number.isNaN(instantMs('yesterday')));
  // round trip: the printed text parses back to the instant, in every zone
  for (const tz of ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/St_Johns', 'UTC']) {
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += 7 * 3_600_000 + 13 * 60_000) {
      assert.equal(Date.parse(localInstant(t, tz)), t, `${tz} ${new Date(t).toISOString()}`);
    }
  }
});
