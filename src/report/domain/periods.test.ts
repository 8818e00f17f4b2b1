import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coveredPart, defaultPeriod, isWholeMonths, partiality, previousCalendarPeriod, samePeriodLastYear } from './periods.ts';

test('default period: the last month the orders cover from its first to its last day', () => {
  assert.deepEqual(defaultPeriod('2025-01-01', '2026-10-31'), { from: '2026-10-01', to: '2026-10-31', complete: true });
  assert.deepEqual(defaultPeriod('2025-01-01', '2026-11-15'), { from: '2026-10-01', to: '2026-10-31', complete: true });
  assert.deepEqual(defaultPeriod('2026-10-01', '2026-11-15'), { from: '2026-10-01', to: '2026-10-31', complete: true });
  // no whole month yet: the month to date, not complete
  assert.deepEqual(defaultPeriod('2026-10-02', '2026-11-15'), { from: '2026-11-01', to: '2026-11-15', complete: false });
  assert.deepEqual(defaultPeriod('2026-11-03', '2026-11-15'), { from: '2026-11-01', to: '2026-11-15', complete: false });
  assert.deepEqual(defaultPeriod('2026-10-05', '2026-10-31'), { from: '2026-10-01', to: '2026-10-31', complete: false });
  assert.deepEqual(defaultPeriod('2024-01-01', '2024-03-01'), { from: '2024-02-01', to: '2024-02-29', complete: true });
});

test('环比 compares calendar periods: November with October 1–31, month to date with the same days before', () => {
  assert.deepEqual(previousCalendarPeriod({ from: '2026-11-01', to: '2026-11-30' }), { from: '2026-10-01', to: '2026-10-31' });
  assert.deepEqual(previousCalendarPeriod({ from: '2026-03-01', to: '2026-03-31' }), { from: '2026-02-01', to: '2026-02-28' });
  assert.deepEqual(previousCalendarPeriod({ from: '2026-01-01', to: '2026-01-31' }), { from: '2025-12-01', to: '2025-12-31' });
  assert.deepEqual(previousCalendarPeriod({ from: '2026-04-01', to: '2026-06-30' }), { from: '2026-01-01', to: '2026-03-31' });
  assert.deepEqual(previousCalendarPeriod({ from: '2026-11-01', to: '2026-11-15' }), { from: '2026-10-01', to: '2026-10-15' });
  assert.deepEqual(previousCalendarPeriod({ from: '2026-03-01', to: '2026-03-30' }), { from: '2026-02-01', to: '2026-02-28' });
  assert.deepEqual(previousCalendarPeriod({ from: '2026-11-10', to: '2026-11-16' }), { from: '2026-11-03', to: '2026-11-09' });
});

test('同比: the same days a year before; whole months stay whole', () => {
  assert.deepEqual(samePeriodLastYear({ from: '2024-02-01', to: '2024-02-29' }), { from: '2023-02-01', to: '2023-02-28' });
  assert.deepEqual(samePeriodLastYear({ from: '2025-02-01', to: '2025-02-28' }), { from: '2024-02-01', to: '2024-02-29' });
  assert.deepEqual(samePeriodLastYear({ from: '2026-11-01', to: '2026-11-15' }), { from: '2025-11-01', to: '2025-11-15' });
});

test('a period is partial when the orders do not cover it or it is part of a month', () => {
  const orders = { first: '2025-01-01', last: '2026-11-15' };
  assert.equal(partiality({ from: '2026-10-01', to: '2026-10-31' }, orders), null);
  assert.deepEqual(partiality({ from: '2026-11-01', to: '2026-11-30' }, orders), { kind: 'orders_end', ordersTo: '2026-11-15', days: 15, of: 30 });
  assert.deepEqual(partiality({ from: '2024-12-01', to: '2024-12-31' }, { first: '2024-12-20', last: '2026-01-01' }), { kind: 'orders_start', ordersFrom: '2024-12-20', days: 12, of: 31 });
  assert.deepEqual(partiality({ from: '2026-10-01', to: '2026-10-10' }, orders), { kind: 'part_of_month', days: 10, of: 31 });
  assert.deepEqual(coveredPart({ from: '2026-11-01', to: '2026-11-30' }, orders), { from: '2026-11-01', to: '2026-11-15' });
  assert.ok(isWholeMonths({ from: '2026-01-01', to: '2026-12-31' }));
  assert.ok(!isWholeMonths({ from: '2026-01-02', to: '2026-12-31' }));
});
