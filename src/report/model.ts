/**
 * The report as values (报告模型): chapters of findings, each with its evidence chart, and quantified
 * recommendations. Builders compute these from the data; renderers (HTML, Markdown, PDF) only lay them out, so the
 * same report reads the same in every format and language.
 */
export type Lang = 'zh' | 'en';
export const LANGS: Lang[] = ['zh', 'en'];

/** A sentence in both languages, zh-CN first. */
export interface Text {
  zh: string;
  en: string;
}

export type ChartKind = 'bar' | 'hbar' | 'line' | 'pie' | 'heatmap';

/** One series of a chart; values line up with the chart's categories. */
export interface Series {
  name: Text;
  data: (number | null)[];
  /** Stack id: series sharing it are stacked. */
  stack?: string;
}

/** Evidence chart (证据图表): small enough to serialise with the report, rendered by ECharts or as a table. */
export interface Chart {
  id: string;
  kind: ChartKind;
  title: Text;
  categories: Text[];
  series: Series[];
  /** For heatmaps: the y categories; data is then row-major [y][x] flattened into series[0].data. */
  yCategories?: Text[];
  unit?: 'count' | 'yuan' | 'percent' | 'days' | 'ratio';
}

/** A statistical test behind a claimed difference (显著性检验). */
export interface Significance {
  test: string;
  /** What p1 and p2 are: shares (default) or means (e.g. orders per customer). */
  unit?: 'share' | 'mean';
  n1: number;
  n2: number;
  p1: number;
  p2: number;
  z: number;
  pValue: number;
}

/** A finding (发现): the number, the comparison, why it matters, and the evidence. */
export interface Finding {
  id: string;
  chapter: ChapterKey;
  title: Text;
  /** The number and its comparison, in full sentences. */
  statement: Text;
  /** Why it matters to the operator. */
  why: Text;
  /** Size used to rank findings: yuan at stake where money is known, otherwise customers affected. */
  impact: number;
  impactBasis: 'yuan' | 'customers';
  /**
   * The fewest days of orders (from the first order day to the period's last day with orders) the finding needs to
   * be true; below it the finding is left out and listed as such ("已 3 天以上未下单" on 5 days of data says nothing).
   */
  minSpanDays: number;
  chart?: Chart;
  significance?: Significance;
  /** Keys of planted or known effects this finding reflects, for tests and cross-links (e.g. 'community_lift'). */
  tags?: string[];
}

/** A recommendation (建议): who, what it should bring (with its assumption), through which channel, which segment. */
export interface Recommendation {
  id: string;
  title: Text;
  action: Text;
  audience: number;
  expectedYuan: number;
  assumption: Text;
  /** Channels the audience's consent allows, with how many can be reached through each. */
  channels: { channel: string; reachable: number }[];
  /** The saved segment's definition (or link) that would act on it. */
  segment: { key: string; link: string; rule: Text };
  basedOn: string[];
}

export type ChapterKey =
  | 'summary' | 'portrait' | 'behaviour' | 'lifecycle' | 'rfm' | 'clv' | 'products' | 'community'
  | 'channels' | 'campaigns' | 'compliance' | 'risks' | 'recommendations';

export interface KpiTile {
  key: string;
  label: Text;
  value: number | null;
  unit: 'count' | 'yuan' | 'percent' | 'ratio' | 'days';
  previous?: number | null;
  lastYear?: number | null;
  /** Which way is good: 'down' for churn and the like (the comparison is coloured good/bad, not by direction). */
  better?: 'up' | 'down';
  target?: number | null;
}

export interface Chapter {
  key: ChapterKey;
  title: Text;
  /** One or two sentences that say what the chapter covers and on how much data. */
  lead: Text;
  tiles?: KpiTile[];
  findings: Finding[];
  charts: Chart[];
  /** Facts shown as a two-column list (label → value), already formatted per language. */
  facts?: { label: Text; value: Text }[];
}

export interface Report {
  title: Text;
  brand: string;
  window: { from: string; to: string };
  /** The days the orders cover, the last event day, and why the period is a partial month (said at the top), if so. */
  coverage: { ordersFrom: string; ordersTo: string; lastEvent: string | null; partial: Text | null; dataDays: number };
  generatedAt: string;
  chapters: Chapter[];
  /** All findings, ranked by impact (top first). */
  ranked: Finding[];
  recommendations: Recommendation[];
  /** Chapters left out and why (no data): said in the report so nothing pretends. */
  omitted: { key: ChapterKey; reason: Text }[];
  /** Findings left out for too little data: what each needs and how many days of orders there are. */
  omittedFindings: { id: string; chapter: ChapterKey; title: Text; minSpanDays: number; dataDays: number }[];
}
