import type { ChapterBuilder } from '../context.ts';
import { summaryChapter } from './summary.ts';
import { rfmChapter } from './rfm.ts';
import { portraitChapter } from './portrait.ts';
import { communityChapter } from './community.ts';
import { clvChapter } from './clv.ts';
import { complianceChapter } from './compliance.ts';
import { risksChapter } from './risks.ts';
import { behaviourChapter } from './behaviour.ts';
import { channelsChapter } from './channels.ts';
import { productsChapter } from './products.ts';
import { campaignsChapter } from './campaigns.ts';
import { lifecycleChapter } from './lifecycle.ts';

/** The chapters in reading order. Each builds itself from the data, or says why it is left out. */
export const CHAPTERS: ChapterBuilder[] = [
  summaryChapter,
  portraitChapter,
  behaviourChapter,
  lifecycleChapter,
  rfmChapter,
  clvChapter,
  productsChapter,
  communityChapter,
  channelsChapter,
  campaignsChapter,
  complianceChapter,
  risksChapter,
];
