/**
 * The PDF report (PDF 报告): the HTML report printed by headless Chromium once every chart has drawn, in print media
 * from the start (so the page lays out its cover and draws its charts without interactive controls), A4, with page
 * numbers in the footer.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';

/** Page n of N, centred (the footer is drawn apart from the page: digits only, no web font needed). */
const FOOTER = '<div style="width:100%;font-size:8px;color:#7a8699;text-align:center;font-family:sans-serif;">'
  + '<span class="pageNumber"></span> / <span class="totalPages"></span></div>';

/** Prints `html` to A4 PDF; uses `browser` when given (tests share one), else launches and closes its own. */
export async function renderPdf(html: string, browser?: Browser): Promise<Buffer> {
  const b = browser ?? (await launchChromium());
  const page = await b.newPage({ viewport: { width: 1000, height: 1400 } });
  try {
    await page.emulateMedia({ media: 'print' });
    await page.setContent(html, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForSelector('body[data-charts-ready]', { timeout: 120_000 });
    return await page.pdf({
      format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: true, headerTemplate: '<div></div>', footerTemplate: FOOTER,
    });
  } finally {
    await page.close();
    if (!browser) await b.close();
  }
}
