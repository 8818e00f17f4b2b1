/** The PDF report (PDF 报告): the HTML report printed by headless Chromium once every chart has drawn. */
import { launchChromium } from './browser.ts';

export async function renderPdf(html: string): Promise<Buffer> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
    await page.setContent(html, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForSelector('body[data-charts-ready]', { timeout: 120_000 });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
