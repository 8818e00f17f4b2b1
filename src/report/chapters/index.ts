import type { ChapterBuilder } from '../context.ts';
import { summaryChapter } from './summary.ts';

/** The chapters in reading order. Each builds itself from the data, or says why it is left out. */
export const CHAPTERS: ChapterBuilder[] = [
  summaryChapter,
];
