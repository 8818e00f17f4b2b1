import type { ChapterBuilder } from '../context.ts';
import { summaryChapter } from './summary.ts';
import { rfmChapter } from './rfm.ts';
import { portraitChapter } from './portrait.ts';
import { communityChapter } from './community.ts';
import { campaignsChapter } from './campaigns.ts';
import { lifecycleChapter } from './lifecycle.ts';

/** The chapters in reading order. Each builds itself from the data, or says why it is left out. */
export const CHAPTERS: ChapterBuilder[] = [
  summaryChapter,
  portraitChapter,
  lifecycleChapter,
  rfmChapter,
  communityChapter,
  campaignsChapter,
];
