import type { App } from '../app/context.ts';
import type { Chapter, ChapterKey, Recommendation, Text } from './model.ts';
import type { ReportPeriod } from './period.ts';

/** What every chapter builder gets: the store, the report's period, and values earlier chapters computed. */
export interface ReportContext {
  app: App;
  window: { from: string; to: string };
  /** First and last order day of the store (events do not count: the report is about orders). */
  span: { first: string; last: string };
  /** The period resolved: what the orders cover of it, its 环比 / 同比 windows, and whether it is partial. */
  period: ReportPeriod;
  /** Days of orders from the first order day to the period's last day with orders (what findings' minimums are held to). */
  dataDays: number;
  /** Revenue per ordering customer in the period (for ranking and sizing); set by the summary. */
  yuanPerCustomer: number;
  /** Average order value in the period; set by the summary. */
  aov: number;
}

/** A chapter with data, or the reason it is left out (said in the report, so nothing pretends). */
export type ChapterResult =
  | { chapter: Chapter; recommendations?: Recommendation[] }
  | { omitted: Text };

export interface ChapterBuilder {
  key: ChapterKey;
  build(ctx: ReportContext): Promise<ChapterResult>;
}
