import { kmeans } from 'ml-kmeans';

/**
 * Behavioural clustering (客群聚类): k-means (ml-kmeans, k-means++ seeding) on standardised features, k chosen by
 * the mean silhouette over a sample, and each cluster named from its centroid — the traits whose standardised
 * centroid is furthest from 0 (|z| ≥ 0.5), in words an operator uses.
 */
export interface ClusterFeature {
  name: string;
  /** Words for a centroid above / below the average. */
  high: { en: string; zh: string };
  low: { en: string; zh: string };
}

export interface Clustering {
  k: number;
  silhouettes: { k: number; silhouette: number }[];
  means: number[];
  sds: number[];
  centroids: number[][];
  assignments: number[];
  names: { en: string; zh: string }[];
  sizes: number[];
}

export function standardise(rows: number[][]): { z: number[][]; means: number[]; sds: number[] } {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  const means = new Array<number>(k).fill(0);
  const sds = new Array<number>(k).fill(0);
  for (const r of rows) for (let j = 0; j < k; j++) means[j] += r[j] / n;
  for (const r of rows) for (let j = 0; j < k; j++) sds[j] += (r[j] - means[j]) ** 2 / n;
  for (let j = 0; j < k; j++) sds[j] = Math.sqrt(sds[j]) || 1;
  return { z: rows.map((r) => r.map((v, j) => (v - means[j]) / sds[j])), means, sds };
}

const dist = (p: number[], q: number[]) => Math.sqrt(p.reduce((s, v, i) => s + (v - q[i]) ** 2, 0));

/** Mean silhouette s = (b − a) / max(a, b) over the given points (O(n²): pass a sample). */
export function silhouette(points: number[][], labels: number[], k: number): number {
  let total = 0;
  for (let i = 0; i < points.length; i++) {
    const sum = new Array<number>(k).fill(0);
    const cnt = new Array<number>(k).fill(0);
    for (let j = 0; j < points.length; j++) {
      if (i === j) continue;
      sum[labels[j]] += dist(points[i], points[j]);
      cnt[labels[j]]++;
    }
    const own = labels[i];
    if (cnt[own] === 0) continue; // a singleton scores 0
    const a = sum[own] / cnt[own];
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own && cnt[c] > 0) b = Math.min(b, sum[c] / cnt[c]);
    if (Number.isFinite(b)) total += (b - a) / Math.max(a, b);
  }
  return total / points.length;
}

export function nameCluster(centroid: number[], features: ClusterFeature[]): { en: string; zh: string } {
  const traits = centroid
    .map((z, j) => ({ z, f: features[j] }))
    .filter((t) => Math.abs(t.z) >= 0.5)
    .sort((p, q) => Math.abs(q.z) - Math.abs(p.z))
    .slice(0, 2)
    .map((t) => (t.z > 0 ? t.f.high : t.f.low));
  if (!traits.length) return { en: 'Typical customers', zh: '普通客户' };
  return { en: traits.map((t) => t.en).join(', '), zh: traits.map((t) => t.zh).join('·') };
}

/** Clusters rows (raw feature values) for each k in the range and keeps the k with the best silhouette. */
export function clusterCustomers(rows: number[][], features: ClusterFeature[], o: { kMin?: number; kMax?: number; seed?: number; sample?: number } = {}): Clustering {
  const { z, means, sds } = standardise(rows);
  const kMin = o.kMin ?? 2, kMax = Math.min(o.kMax ?? 8, Math.max(2, rows.length - 1));
  const seed = o.seed ?? 42;
  const step = Math.max(1, Math.floor(z.length / (o.sample ?? 1500)));
  const sampleIdx = z.map((_, i) => i).filter((i) => i % step === 0);
  let best: { k: number; s: number; res: ReturnType<typeof kmeans> } | undefined;
  const silhouettes: { k: number; silhouette: number }[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const res = kmeans(z, k, { seed, initialization: 'kmeans++', maxIterations: 100 });
    const s = silhouette(sampleIdx.map((i) => z[i]), sampleIdx.map((i) => res.clusters[i]), k);
    silhouettes.push({ k, silhouette: s });
    if (!best || s > best.s) best = { k, s, res };
  }
  const res = best!.res;
  const sizes = new Array<number>(best!.k).fill(0);
  for (const c of res.clusters) sizes[c]++;
  return {
    k: best!.k, silhouettes, means, sds, centroids: res.centroids, assignments: res.clusters,
    names: res.centroids.map((c) => nameCluster(c, features)), sizes,
  };
}
