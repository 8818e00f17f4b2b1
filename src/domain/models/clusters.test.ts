import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterCustomers, nameCluster, silhouette } from './clusters.ts';
import { rng } from './random.ts';

const FEATURES = [
  { name: 'orders', high: { en: 'frequent buyers', zh: '高频' }, low: { en: 'rare buyers', zh: '低频' } },
  { name: 'recency', high: { en: 'lapsed', zh: '沉睡' }, low: { en: 'recently active', zh: '近期活跃' } },
];

test('given three well-separated groups, when clustered, then k = 3 is chosen by silhouette and each group is one cluster', () => {
  const u = rng(5);
  const centres = [[0, 0], [6, 0], [0, 6]];
  const rows: number[][] = [];
  const truth: number[] = [];
  for (let i = 0; i < 600; i++) {
    const c = i % 3;
    rows.push([centres[c][0] + u() - 0.5, centres[c][1] + u() - 0.5]);
    truth.push(c);
  }
  const r = clusterCustomers(rows, FEATURES, { kMin: 2, kMax: 5 });
  assert.equal(r.k, 3);
  assert.deepEqual(r.sizes.slice().sort(), [200, 200, 200]);
  for (let i = 3; i < rows.length; i++) assert.equal(r.assignments[i], r.assignments[i % 3]);
  assert.ok(r.silhouettes.find((s) => s.k === 3)!.silhouette > 0.8);
});

test('clusters are named from their standardised centroids', () => {
  assert.deepEqual(nameCluster([1.2, -0.8], FEATURES), { en: 'frequent buyers, recently active', zh: '高频·近期活跃' });
  assert.deepEqual(nameCluster([0.1, 0.2], FEATURES), { en: 'Typical customers', zh: '普通客户' });
  assert.equal(silhouette([[0], [0.1], [5], [5.1]], [0, 0, 1, 1], 2) > 0.9, true);
});
