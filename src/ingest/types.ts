import type { Entity } from './canonical.ts';

export type Encoding = 'auto' | 'utf8' | 'gbk' | 'gb18030' | 'utf16' | 'utf16le' | 'utf16be';
export type FileFormat = 'csv' | 'tsv' | 'whitespace' | 'xlsx' | 'jsonl' | 'parquet';

export interface ImportOptions {
  entity: Entity;
  files: string[];
  /** A preset name (`youzan-orders`, …) or the path of a mapping file (JSON). Without it, canonical headers. */
  map?: string;
  encoding?: Encoding;
  sheet?: string;
  dryRun?: boolean;
  /** All-or-nothing per file: one bad row and nothing of that file is imported. */
  strict?: boolean;
  /** Recorded on each row (orders.source, customer_identifiers.source) and in the freshness report. */
  source?: string;
  /**
   * Rows done so far: of the files finished, plus, while a file is imported, its rows in proportion to its steps
   * done (the steps are set-wise statements over the whole file, so a row count within a step is not known).
   */
  onProgress?: (rowsDone: number, at?: ImportProgress) => void;
  /** Directory relative paths are resolved from (the CLI's cwd). */
  cwd?: string;
}

/** The steps of one file's import, in order (FileSummary.timings has the seconds of each). */
export const IMPORT_STEPS = ['read', 'map', 'identify', 'resolve', 'write'] as const;
export type ImportStep = (typeof IMPORT_STEPS)[number];

/** Where an import is: the file, the step just finished, and the rows known so far (the files before and this one). */
export interface ImportProgress {
  file: string;
  step: ImportStep;
  rowsKnown: number;
}

export interface IdentityStats {
  customersCreated: number;
  merged: number;
  conflicts: number;
  identifiersAdded: number;
  /** Identifier values that were present but unusable (invalid or masked phones, bad e-mails), per type. */
  invalidIdentifiers: Record<string, number>;
  maskedIdentifiers: number;
  /** Rows of a person whom no usable identifier named (a masked phone only): each a customer of its own, never merged. */
  unidentified?: number;
}

export interface FileSummary {
  file: string;
  format: FileFormat;
  encoding: string;
  rows: number;
  /** Rows that added to the store: a new order, product, membership, customer … */
  imported: number;
  /** Rows that changed something already stored (an upserted reference row, a membership's arm, a customer's attributes or identifiers). */
  updated: number;
  /** Rows already present (same natural key) or repeated in the file: nothing changed. */
  unchanged: number;
  rejected: number;
  /** Quarantine CSV of the rejected rows (identifiers masked), with a .json summary beside it. */
  quarantine: string | null;
  /** Rejections by column and reason. */
  reasons: Record<string, number>;
  orderLines?: number;
  /** Rows of a person whom no usable identifier named: each imported as a customer of its own (never merged). */
  unidentified?: number;
  /** What deserves a look though nothing was rejected (openids without their app). */
  warnings?: string[];
  /** Values of free-text columns (tags, traits, properties, evidence …) in which a phone or e-mail was masked, per column. */
  contactsMasked?: Record<string, number>;
  /** Identifier values present but unusable in this file, per type, and masked ones (138****5678). */
  invalidIdentifiers?: Record<string, number>;
  maskedIdentifiers?: number;
  /** Seconds per step: read (stage), map (coerce and validate), identify (hash distinct identifiers), resolve, write. */
  timings?: Record<string, number>;
  /** Times the file was retried with twice DuckDB's memory limit after running out (Out of Memory). */
  memoryRetries?: number;
  seconds: number;
}

export interface ImportSummary {
  entity: Entity;
  dryRun: boolean;
  strict: boolean;
  /** rows = imported + updated + unchanged + rejected. */
  rows: number;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: number;
  files: FileSummary[];
  identity: IdentityStats;
  seconds: number;
  /** Files that could not be imported (`siyu import` and HTTP jobs of several files): nothing of each was applied. */
  failed?: { file: string; error: string; message: string; message_zh: string }[];
  /** What deserves a look after the files were applied (rule tags that could not be recomputed). */
  warnings?: string[];
  /** Files whose import a process that stopped (kill -9, a crash) left unfinished: importing them again is safe. */
  interrupted?: { file: string; entity: string; startedAt: string }[];
}
