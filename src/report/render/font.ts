/**
 * The CJK font shipped with the report (内嵌中文字体). A fresh server has no CJK font, and Chromium then draws
 * empty boxes; so the HTML (and the PDF printed from it) carries Noto Sans SC from the `@fontsource/noto-sans-sc`
 * package. That package splits the font into ~100 woff2 slices, each with its `unicode-range`; we embed only the
 * slices that cover characters the document really uses, as data: URLs, so the file stays self-contained.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The family name used in the report's CSS; distinct from any system font of the same design. */
export const REPORT_FONT_FAMILY = 'Siyu Noto Sans SC';

interface Slice {
  file: string;
  ranges: [number, number][];
}

let cache: { dir: string; slices: Slice[] } | null = null;

function slices(): { dir: string; slices: Slice[] } {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@fontsource/noto-sans-sc/400.css'));
  const css = readFileSync(join(dir, '400.css'), 'utf8');
  const out: Slice[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !range) continue;
    out.push({ file, ranges: range.split(',').map((r) => parseRange(r.trim())) });
  }
  cache = { dir, slices: out };
  return cache;
}

function parseRange(r: string): [number, number] {
  const [a, b] = r.replace(/^U\+/i, '').split('-');
  const lo = parseInt(a, 16);
  return [lo, b ? parseInt(b, 16) : lo];
}

/** The distinct code points of a text, above ASCII control characters. */
export function codePoints(text: string): Set<number> {
  const s = new Set<number>();
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20) s.add(c);
  }
  return s;
}

/**
 * @font-face rules with the slices needed to draw `text`, each embedded as base64 woff2 with its unicode-range.
 * Returns the CSS and the number of bytes embedded.
 */
export function embeddedFontCss(text: string): { css: string; bytes: number; slices: number } {
  const { dir, slices: all } = slices();
  const used = [...codePoints(text)];
  const rules: string[] = [];
  let bytes = 0;
  for (const s of all) {
    if (!used.some((c) => s.ranges.some(([lo, hi]) => c >= lo && c <= hi))) continue;
    const data = readFileSync(join(dir, 'files', s.file));
    bytes += data.length;
    const range = s.ranges.map(([lo, hi]) => (lo === hi ? `U+${lo.toString(16)}` : `U+${lo.toString(16)}-${hi.toString(16)}`)).join(',');
    rules.push(`@font-face{font-family:'${REPORT_FONT_FAMILY}';font-style:normal;font-weight:100 900;font-display:block;` +
      `src:url(data:font/woff2;base64,${data.toString('base64')}) format('woff2');unicode-range:${range};}`);
  }
  return { css: rules.join('\n'), bytes, slices: rules.length };
}
