import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KPI_CATALOGUE } from '../../src/domain/metrics/kpis.ts';
import { RFM_SEGMENTS } from '../../src/domain/segments/rfm.ts';
import { STAGES } from '../../src/domain/segments/lifecycle.ts';

test('every KPI, RFM segment and lifecycle stage is defined in docs/metrics.md with its zh-CN and English name', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'metrics.md'), 'utf8');
  for (const [key, zh, en] of KPI_CATALOGUE) assert.ok(doc.includes(`| \`${key}\` | ${zh} | ${en} |`), key);
  for (const s of RFM_SEGMENTS) assert.ok(doc.includes(`| ${s.zh} | ${s.en} |`), s.zh);
  for (const s of STAGES) assert.ok(doc.includes(s.zh), s.zh);
});
