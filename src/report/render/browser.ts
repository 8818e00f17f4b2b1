/**
 * Headless Chromium for the PDF and the browser tests (无头浏览器). Debian's `chromium` package (or the binary in
 * SIYU_CHROMIUM) driven by playwright-core; playwright's own browser download is not used.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { UserError } from '../../errors.ts';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function chromiumPath(): string | null {
  const candidates = [process.env.SIYU_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((p): p is string => !!p);
  return candidates.find((p) => existsSync(p)) ?? null;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) {
    throw new UserError('no_chromium',
      'PDF output needs Chromium: install it (Debian: apt-get install -y chromium) or set SIYU_CHROMIUM to its path.',
      '生成 PDF 需要 Chromium：请安装（Debian：apt-get install -y chromium），或用 SIYU_CHROMIUM 指定其路径。');
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
