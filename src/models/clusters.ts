import type { App } from '../app/context.ts';
import { UserError } from '../errors.ts';
import { clusterCustomers, type ClusterFeature } from '../domain/models/clusters.ts';
import { RFM_SEGMENTS, segmentOf } from '../domain/segments/rfm.ts';
import { CLUSTER_FEATURES_SQL } from './queries/clusterFeatures.ts';
import { saveCard, type ModelCard } from './cards.ts';
import { calibrationEnd } from './fit.ts';

/** The clustering features, in model order; counts and money enter as ln(1 + value). */
export const CLUSTER_FEATURES: (ClusterFeature & { log: boolean })[] = [
  { name: 'recency_days', log: true, high: { en: 'lapsed', zh: '久未购买' }, low: { en: 'recently active', zh: '近期活跃' } },
  { name: 'orders', log: true, high: { en: 'frequent buyers', zh: '高频复购' }, low: { en: 'one-off buyers', zh: '低频' } },
  { name: 'aov', log: true, high: { en: 'big baskets', zh: '高客单' }, low: { en: 'small baskets', zh: '低客单' } },
  { name: 'tenure_days', log: true, high: { en: 'long-standing', zh: '老客' }, low: { en: 'newcomers', zh: '新客' } },
  { name: 'online_share', log: false, high: { en: 'online shoppers', zh: '线上为主' }, low: { en: 'in-store shoppers', zh: '门店为主' } },
  { name: 'content_90d', log: true, high: { en: 'content fans', zh: '内容活跃' }, low: { en: 'content-quiet', zh: '内容沉默' } },
  { name: 'in_group', log: false, high: { en: 'community members', zh: '社群成员' }, low: { en: 'outside groups', zh: '未入群' } },
];

export interface ClusterFit {
  model: 'clusters';
  version: number;
  asOf: string;
  customers: number;
  k: number;
  silhouettes: { k: number; silhouette: number }[];
  clusters: { cluster: number; en: string; zh: string; customers: number; centroid: Record<string, number> }[];
  /** Customers per (cluster, RFM segment). */
  rfmCrossTab: { cluster: number; segment: string; zh: string; customers: number }[];
  card: ModelCard;
}

/**
 * Clusters the buyers as of a day (default: the last order day), stores the card and the cluster of each customer the
 * consent policy permits for analytics (the centroids are a population statistic; no one else gets a cluster).
 */
export async function fitClusters(app: App, o: { asOf?: string; kMax?: number }): Promise<ClusterFit> {
  const asOf = await calibrationEnd(app, o.asOf);
  const ws = app.workspaceId;
  const reader = await app.warehouse.columns(CLUSTER_FEATURES_SQL.duckdb, { ws, asof: asOf });
  const names = reader.names;
  const cols = reader.columns;
  const col = (n: string) => (cols[names.indexOf(n)] as unknown[]).map(Number);
  const ids = col('customer_id');
  if (ids.length < 20) throw new UserError('too_few_customers', 'Clustering needs at least 20 customers with orders.', '聚类至少需要 20 位有订单的客户。');
  const raw = CLUSTER_FEATURES.map((f) => col(f.name));
  const rows = ids.map((_, i) => CLUSTER_FEATURES.map((f, j) => (f.log ? Math.log1p(Math.max(0, raw[j][i])) : raw[j][i])));
  const c = clusterCustomers(rows, CLUSTER_FEATURES, { kMax: o.kMax ?? 8 });

  // RFM segment per customer (population means as thresholds, as `siyu insight rfm` does by default).
  const r = col('recency_days'), f = col('orders'), m = col('spend');
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const [tr, tf, tm] = [mean(r), mean(f), mean(m)];
  const cross = new Map<string, number>();
  ids.forEach((_, i) => {
    const seg = segmentOf(r[i] < tr, f[i] > tf, m[i] > tm).key;
    const key = `${c.assignments[i]}|${seg}`;
    cross.set(key, (cross.get(key) ?? 0) + 1);
  });
  const rfmCrossTab = [...cross].map(([key, n]) => {
    const [cl, seg] = key.split('|');
    return { cluster: Number(cl), segment: seg, zh: RFM_SEGMENTS.find((s) => s.key === seg)!.zh, customers: n };
  }).sort((p, q) => p.cluster - q.cluster || q.customers - p.customers);
  const clusters = c.centroids.map((centroid, k) => ({
    cluster: k, en: c.names[k].en, zh: c.names[k].zh, customers: c.sizes[k],
    centroid: Object.fromEntries(CLUSTER_FEATURES.map((feat, j) => [feat.name, centroid[j]])),
  }));
  const card = await saveCard(app.state, ws, {
    model: 'clusters', calibrationEnd: asOf, dataFrom: null, dataTo: asOf, customers: ids.length,
    parameters: { k: c.k, features: CLUSTER_FEATURES.map((x) => x.name), means: c.means, sds: c.sds, centroids: c.centroids, names: c.names },
    metrics: { silhouettes: c.silhouettes, clusters, rfmCrossTab },
    notes: 'k-means (ml-kmeans, k-means++) on standardised features (counts and money as ln(1 + x)); k by mean silhouette on a sample; centroids in standard deviations from the mean.',
  });
  await writeAssignments(app, ids, c.assignments, c.names, card);
  return { model: 'clusters', version: card.version, asOf, customers: ids.length, k: c.k, silhouettes: c.silhouettes, clusters, rfmCrossTab, card };
}

async function writeAssignments(app: App, ids: number[], assignments: number[], names: { en: string; zh: string }[], card: ModelCard): Promise<void> {
  const db = app.warehouse;
  await db.run('create or replace temp table model_cluster_assignments (customer_id bigint, cluster integer)');
  const ap = await db.appender('model_cluster_assignments', { temp: true });
  ids.forEach((id, i) => { ap.appendBigInt(BigInt(id)); ap.appendInteger(assignments[i]); ap.endRow(); });
  ap.flushSync(); ap.closeSync();
  await app.warehouse.transaction(async () => {
    await db.run(`delete from customer_scores where workspace_id = $ws and model = 'clusters'`, { ws: app.workspaceId });
    await db.run(
      `insert into customer_scores (workspace_id, customer_id, model, score, value, label, version, fitted_at, scored_at, as_of)
       select $ws, a.customer_id, 'clusters', k.score, a.cluster, case k.score when 'cluster' then n.en else n.zh end,
         $version, $fitted::timestamp, current_timestamp, $asof::date
       from model_cluster_assignments a
       join (select unnest(from_json($en::varchar, '["VARCHAR"]')) as en, unnest(from_json($zh::varchar, '["VARCHAR"]')) as zh,
               unnest(range(0, $k::integer))::integer as cluster) n using (cluster),
       (values ('cluster'), ('cluster_zh')) k(score)
       where a.customer_id in (select customer_id from permitted_customers($ws, 'analytics'))`,
      { ws: app.workspaceId, version: card.version, fitted: card.fittedAt.replace('Z', ''), asof: card.calibrationEnd, en: JSON.stringify(names.map((x) => x.en)), zh: JSON.stringify(names.map((x) => x.zh)), k: names.length });
  });
  await db.run('drop table if exists model_cluster_assignments');
}
