import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveIdentities } from './resolve.ts';
import { DEFAULT_RULES, parseRules } from './rules.ts';
import type { IdType } from '../privacy/normalize.ts';

const graph = (types: IdType[], existing: number[], records: number[][], separated?: [number, number][]) => ({ types, existing, records, separated });

test('given records sharing identifiers, union-find makes one new customer per connected person', () => {
  // nodes: 0 phone A, 1 unionid U, 2 member M, 3 email E (alone), 4 phone B
  const r = resolveIdentities(graph(['phone', 'unionid', 'member_no', 'email', 'phone'], [0, 0, 0, 0, 0], [[0, 1], [1, 2]]), DEFAULT_RULES);
  assert.equal(r.newCustomers, 3);
  assert.equal(r.customerOf[0], r.customerOf[1]);
  assert.equal(r.customerOf[1], r.customerOf[2]);
  assert.notEqual(r.customerOf[3], r.customerOf[0]);
  assert.notEqual(r.customerOf[4], r.customerOf[3]);
  assert.deepEqual([r.merges, r.conflicts], [[], []]);
});

test('given one unionid claimed by two phones, the second link is a conflict, not a merge', () => {
  // 0 unionid U, 1 phone A, 2 phone B; records (U, A) and (U, B)
  const r = resolveIdentities(graph(['unionid', 'phone', 'phone'], [0, 0, 0], [[0, 1], [0, 2]]), DEFAULT_RULES);
  assert.equal(r.newCustomers, 2);
  assert.equal(r.customerOf[0], r.customerOf[1]);
  assert.notEqual(r.customerOf[2], r.customerOf[0]);
  assert.equal(r.conflicts.length, 1);
  assert.deepEqual({ ...r.conflicts[0] }, { rule: 'unionid', uniqueType: 'phone', a: 0, b: 2 });
});

test('given two existing customers linked by a new record, the older id survives and the merge names the rule', () => {
  // 0 phone of customer 7, 1 member_no of customer 3, 2 email new; record (phone, member, email)
  const r = resolveIdentities(graph(['phone', 'member_no', 'email'], [7, 3, 0], [[0, 1, 2]]), DEFAULT_RULES);
  assert.equal(r.newCustomers, 0);
  assert.deepEqual([...r.customerOf], [3, 3, 3]);
  assert.deepEqual(r.merges, [{ survivor: 3, merged: 7, rule: 'phone', via: 0 }]);
});

test('given existing customers someone separated, a link between them is flagged instead of merged', () => {
  const r = resolveIdentities(graph(['phone', 'member_no'], [7, 3], [[0, 1]], [[3, 7]]), DEFAULT_RULES);
  assert.deepEqual([...r.customerOf], [7, 3]);
  assert.equal(r.merges.length, 0);
  assert.equal(r.conflicts[0].uniqueType, 'separated');
});

test('given rules without e-mail, records sharing only an e-mail stay apart', () => {
  const rules = parseRules(['unionid', 'phone', 'member_no']);
  assert.ok(!('error' in rules));
  // 0 email, 1 member A, 2 member B: records (A, email), (B, email) — the anchor is the member number
  const r = resolveIdentities(graph(['email', 'member_no', 'member_no'], [0, 0, 0], [[1, 0], [2, 0]]), rules);
  assert.equal(r.conflicts.length, 0);
  assert.notEqual(r.customerOf[1], r.customerOf[2]);
  assert.equal(r.customerOf[0], r.customerOf[1]); // the e-mail joins the first person seen with it
  assert.deepEqual(parseRules(['phone', 'fax']), { error: 'unknown identifier type(s): fax; known: phone, email, unionid, openid, external_userid, member_no, device_id, anonymous_id, user_id' });
});
