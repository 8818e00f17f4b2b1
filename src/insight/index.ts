/**
 * The insight engine (数据洞察): typed functions used by the CLI, the HTTP API and the report alike. Each takes the
 * App and a value describing the question (filters, options) and returns plain JSON-ready values. Metric
 * definitions: docs/metrics.md.
 */
export { kpis, type KpiReport, type KpiOptions } from './kpis.ts';
export { cohorts, COHORT_PERIODS, type Cohort, type CohortPeriod, type CohortReport } from './cohorts.ts';
export { rfm, type RfmOptions, type RfmReport, type RfmSegmentSize } from './rfm.ts';
export { refreshAggregates, type RefreshResult } from './aggregates.ts';
export { filtersSchema, checkFilters, type InsightFilters } from './filters.ts';
export { workspaceStats, type WorkspaceStats } from './queries/workspaceStats.ts';
export { lifecycle, type LifecycleOptions, type LifecycleReport } from './lifecycle.ts';
export { tiers, type TierReport } from './tiers.ts';
export { listTags, defineTag, tagCustomers, recomputeTags, refreshRuleTags, type TagDefinition, type RecomputeResult } from './tags.ts';
export { tagExists, saveTagDefinition, storedTags } from './tagDefinitions.ts';
export { findCustomers, listCustomers, type CustomerLookup, type CustomerSummary } from './customers.ts';
export { funnel, behaviour, type FunnelOptions, type FunnelReport } from './behaviour.ts';
export { communityLift, campaignUplift, channelContribution, staffScorecard, contentScorecard, type CommunityOptions } from './engagement.ts';
export { populationPortraits, customerPortrait } from './portraits.ts';
export { INSIGHT_ENDPOINTS, type InsightEndpoint } from './endpoints.ts';
export { series, type SeriesUnit } from './series.ts';
