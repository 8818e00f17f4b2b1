/**
 * first-look #3: docs say only what the code does. Every function a doc names in backticks (`name` or `name(…)`) that
 * the code exports must have a caller outside tests and outside its own module — a use point no code path reaches
 * is not a use point.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
/** The docs held to this; add others as they are brought in line. */
const DOCS = ['docs/privacy.md'];

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts') && !/\.(test|fixture)\.ts$/.test(p)) out.push(p);
  }
  return out;
}

/** The code without its import and re-export statements (naming a function there is not calling it). */
const withoutImports = (t: string) => t.replace(/^\s*(import|export)\s[^;]*?\sfrom\s*['"][^'"]+['"];?/gms, '');

export function uncalledNames(doc: string, files: Record<string, string>): string[] {
  const defined = new Map<string, string>();
  for (const [f, t] of Object.entries(files)) {
    for (const m of t.matchAll(/export (?:async )?function ([A-Za-z_]\w*)|export const ([A-Za-z_]\w*) = (?:async )?\(/g)) defined.set(m[1] ?? m[2], f);
  }
  const named = new Set([...doc.matchAll(/`([A-Za-z_]\w*)(?:\([^`]*\))?`/g)].map((m) => m[1]).filter((n) => defined.has(n)));
  return [...named].filter((n) => !Object.entries(files).some(([f, t]) => f !== defined.get(n) && new RegExp(`\\b${n}\\b`).test(withoutImports(t)))).sort();
}

test('every function docs/privacy.md names is called by the code, outside tests and its own module', () => {
  const files = Object.fromEntries(sources(join(root, 'src')).map((f) => [f, readFileSync(f, 'utf8')]));
  for (const d of DOCS) assert.deepEqual(uncalledNames(readFileSync(join(root, d), 'utf8'), files), [], `${d} names functions no code path calls`);
});

test('the check itself: a function named by a doc and called only by its own module or by tests is reported', () => {
  const files = {
    'a.ts': 'export function used() {}\nexport function lonely() { used(); }\nexport const arrow = (x: number) => x;',
    'b.ts': "import { used, lonely } from './a.ts';\nused();",
    'c.ts': "import { arrow } from './a.ts';\nexport const z = arrow(1);",
  };
  assert.deepEqual(uncalledNames('Call `used(x)`, `lonely` and `arrow`; `notCode` is a word.', files), ['lonely']);
});
