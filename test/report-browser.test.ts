// The report in a real browser (Debian's chromium driven by playwright-core): every chapter and chart drawn,
// offline, no console errors, Chinese glyphs really drawn by the embedded font (not tofu), and the PDF.
// Screenshots and files are kept in test-artifacts/. Skips, saying why, when chromium is absent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { openApp, type App } from '../src/app/context.ts';
import { buildReport } from '../src/report/build.ts';
import { renderHtml } from '../src/report/render/html.ts';
import { renderPdf } from '../src/report/render/pdf.ts';
import { chromiumPath, launchChromium } from '../src/report/render/browser.ts';
import type { Report } from '../src/report/model.ts';
import { seedReportFixture } from './report.fixture.ts';
import { holdoutChartHtml } from '../src/models/holdoutChartFile.ts';
import { holdoutChartData } from '../src/domain/models/holdoutChart.ts';
import { setWorkspaceDisplayName } from '../src/report/workspace.ts';

const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const skip = chromiumPath() ? false : 'chromium not installed (apt-get install -y chromium): browser tests skipped';
let dir: string;
let app: App;
let report: Report;
let browser: Browser;

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'siyu-report-browser-'));
  app = await openApp({ dir });
  await seedReportFixture(app);
  await setWorkspaceDisplayName(app, '山岚茶事');
  report = await buildReport(app, { now: new Date('2026-11-01T08:00:00Z') });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens an HTML file with every non-file request refused and recorded; collects console errors. */
async function open(html: string, name: string, media: 'screen' | 'print' = 'screen'): Promise<{ page: Page; errors: string[]; network: string[] }> {
  const file = join(ARTIFACTS, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.emulateMedia({ media });
  const errors: string[] = [];
  const network: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/*', (r) => {
    const u = r.request().url();
    if (u.startsWith('file:') || u.startsWith('data:')) return r.continue();
    network.push(u);
    return r.abort();
  });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  await page.waitForSelector('body[data-charts-ready]', { timeout: 60_000 });
  return { page, errors, network };
}

for (const lang of ['zh', 'en'] as const) {
  test(`${lang} HTML: every chapter and every chart drawn, offline, no console errors`, { skip }, async () => {
    const { page, errors, network } = await open(renderHtml(report, lang), `report-${lang}.html`);
    for (const c of report.chapters) assert.equal(await page.locator(`section[data-chapter="${c.key}"]`).count(), 1, c.key);
    const charts = await page.locator('[data-chart]').count();
    assert.ok(charts >= 8, `only ${charts} charts`);
    assert.equal(Number(await page.getAttribute('body', 'data-charts-ready')), charts);
    const drawn = await page.$$eval('[data-chart]', (els) => els.map((e) => e.querySelectorAll('svg path, svg text').length));
    drawn.forEach((n, i) => assert.ok(n > 5, `chart ${i} drew ${n} shapes`));
    assert.deepEqual(errors, []);
    assert.deepEqual(network, []);
    await page.screenshot({ path: join(ARTIFACTS, `report-${lang}.png`), fullPage: true });
    await page.close();
  });
}

/** PNGs of single CJK characters drawn in the page's font, one per character. */
async function glyphShots(page: Page, chars: string[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const ch of chars) {
    await page.evaluate((c) => {
      let el = document.getElementById('glyph-probe');
      if (!el) {
        el = document.createElement('span');
        el.id = 'glyph-probe';
        el.style.cssText = 'position:fixed;left:0;top:0;font-size:48px;line-height:56px;background:#fff;color:#000;padding:4px;z-index:9999';
        document.body.appendChild(el);
      }
      el.textContent = c;
    }, ch);
    out.push(await page.locator('#glyph-probe').screenshot());
  }
  return out;
}

test('Chinese renders with the embedded font: distinct characters draw distinct glyphs, unlike without it', { skip }, async (t) => {
  const chars = ['用', '户', '画', '像'];
  const withFont = await open(renderHtml(report, 'zh'), 'font-with.html');
  assert.ok(await withFont.page.evaluate(() => document.fonts.check('48px "Siyu Noto Sans SC"', '用户画像')));
  const shots = await glyphShots(withFont.page, chars);
  assert.equal(new Set(shots.map((b) => b.toString('base64'))).size, chars.length, 'the four characters should look different');
  shots.forEach((b, i) => writeFileSync(join(ARTIFACTS, `glyph-with-font-${i}.png`), b));
  await withFont.page.close();

  // Without the embedded font, a machine with no CJK font draws the same empty box for every character.
  const fc = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  const systemCjk = (fc.stdout ?? '').trim();
  const without = await open(renderHtml(report, 'zh', { withoutFont: true }), 'font-without.html');
  const bare = await glyphShots(without.page, chars);
  bare.forEach((b, i) => writeFileSync(join(ARTIFACTS, `glyph-without-font-${i}.png`), b));
  if (systemCjk) {
    t.diagnostic(`this machine has a CJK system font (${systemCjk.split('\n')[0]}): the tofu comparison is not meaningful here`);
  } else {
    assert.equal(new Set(bare.map((b) => b.toString('base64'))).size, 1, 'without the font every character should be the same tofu box');
  }
  await without.page.close();
});

test('PDF: printed by Chromium, every chapter and chart title in its text, the CJK font embedded', { skip }, async (t) => {
  const pdf = await renderPdf(renderHtml(report, 'zh'), browser);
  const file = join(ARTIFACTS, 'report-zh.pdf');
  writeFileSync(file, pdf);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  if (!existsSync('/usr/bin/pdftotext')) {
    t.diagnostic('poppler-utils not installed: PDF text and fonts not inspected');
    return;
  }
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
  for (const c of report.chapters) assert.ok(text.includes(c.title.zh.replace(/\s+/g, '')), `chapter ${c.title.zh} not in the PDF text`);
  const chartTitles = [...report.chapters.flatMap((c) => [...c.charts, ...c.findings.flatMap((f) => (f.chart ? [f.chart] : []))])].map((c) => c.title.zh);
  for (const t of chartTitles) assert.ok(text.includes(t.replace(/\s+/g, '')), `chart "${t}" not drawn in the PDF`);
  const fonts = spawnSync('pdffonts', [file], { encoding: 'utf8' }).stdout;
  assert.match(fonts, /SiyuNotoSansSC|NotoSansSC/i, fonts);
  spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '3', file, join(ARTIFACTS, 'report-zh-pdf')]);
});

/** Pairs of drawn texts in an element whose boxes intersect (their text and the overlap), for the layout checks. */
async function overlappingTexts(page: Page, selector: string): Promise<string[]> {
  return page.$eval(selector, (root) => {
    const boxes = Array.from(root.querySelectorAll('text')).map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() })).filter((b) => b.text.trim() && b.r.width > 0);
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r;
        const b = boxes[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) out.push(`"${boxes[i].text}" × "${boxes[j].text}" (${w.toFixed(0)}×${h.toFixed(0)} px)`);
      }
    }
    return out;
  });
}

for (const media of ['screen', 'print'] as const) {
  test(`the heat map (${media}): no label overlaps another; the scale's slider only on screen`, { skip }, async () => {
    const { page } = await open(renderHtml(report, 'zh'), `report-heatmap-${media}.html`, media);
    assert.deepEqual(await overlappingTexts(page, '[data-chart="behaviour-heatmap"]'), []);
    const calculable = await page.$eval('[data-chart="behaviour-heatmap"]', (el) => {
      const w = window as unknown as { echarts: { getInstanceByDom(e: Element): { getOption(): { visualMap: { calculable: boolean }[] } } } };
      return w.echarts.getInstanceByDom(el).getOption().visualMap[0].calculable;
    });
    assert.equal(calculable, media === 'screen', `calculable ${calculable} in ${media}`);
    await page.locator('[data-chart="behaviour-heatmap"]').screenshot({ path: join(ARTIFACTS, `report-heatmap-${media}.png`) });
    await page.close();
  });
}

test('the PDF: a cover with the title, the brand and the period, then numbered pages', { skip }, async (t) => {
  const pdf = await renderPdf(renderHtml(report, 'zh'), browser);
  const file = join(ARTIFACTS, 'report-zh-cover.pdf');
  writeFileSync(file, pdf);
  if (!existsSync('/usr/bin/pdftotext')) {
    t.diagnostic('poppler-utils not installed: the PDF\'s pages not inspected');
    return;
  }
  const page = (n: number) => spawnSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), file, '-'], { encoding: 'utf8' }).stdout;
  const cover = page(1).replace(/\s+/g, ' ');
  for (const s of ['山岚茶事', '零售私域流量运营数据洞察与营销优化报告', '报告期 2026-10-01 — 2026-10-31']) assert.ok(cover.includes(s), `the cover lacks ${s}: ${cover}`);
  assert.doesNotMatch(cover, /执行摘要/, 'the cover is a page of its own');
  const pages = Number(/Pages:\s+(\d+)/.exec(spawnSync('pdfinfo', [file], { encoding: 'utf8' }).stdout)?.[1]);
  assert.ok(pages > 3, `${pages} pages`);
  assert.match(page(2), new RegExp(`\\b2 / ${pages}\\b`));
  assert.match(page(pages), new RegExp(`\\b${pages} / ${pages}\\b`));
  assert.doesNotMatch(spawnSync('pdftotext', [file, '-'], { encoding: 'utf8' }).stdout, /\bdefault\b/);
});

test('the BG/NBD holdout chart: its legend overlaps no title', { skip }, async () => {
  const weeks = Array.from({ length: 30 }, (_, i) => i + 1);
  const data = holdoutChartData({
    calibrationEnd: '2026-06-30', holdoutEnd: '2026-11-15',
    byFrequency: ['0', '1', '2', '3', '4+'].map((x, i) => ({ x, customers: 100 - i * 15, actual: 0.2 + i * 0.1, predicted: 0.25 + i * 0.1 })),
    weekly: weeks.map((w) => ({ week: w, actual: w, predicted: w + 0.5, actualCumulative: (w * (w + 1)) / 2, predictedCumulative: (w * (w + 1)) / 2 + w / 2, holdout: w > 18 })),
  });
  const { page, errors } = await open(holdoutChartHtml(data), 'holdout-chart.html');
  const problems = (await overlappingTexts(page, '#chart')).filter((p) => p.includes('实际') || p.includes('预测'));
  assert.deepEqual(problems.filter((p) => /Holdout repeat|BG\/NBD calibration/.test(p)), []);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: join(ARTIFACTS, 'holdout-chart.png') });
  await page.close();
});
