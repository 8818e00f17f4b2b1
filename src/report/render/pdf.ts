/** The PDF report (PDF 报告): the HTML report printed by headless Chromium once every chart has drawn. */
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';

/** Prints `html` to A4 PDF; uses `browser` when given (tests share one), else launches and closes its own. */
export async function renderPdf(html: string, browser?: Browser): Promise<Buffer> {
  const b = browser ?? (await launchChromium());
  const page = await b.newPage({ viewport: { width: 1000, height: 1400 } });
  try {
    await page.setContent(html, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForSelector('body[data-charts-ready]', { timeout: 120_000 });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
  } finally {
    await page.close();
    if (!browser) await b.close();
  }
}
