import { invalid } from './limits.ts';

/**
 * What the loader could not store, refused before a request is acknowledged (400 naming the field): text that is not
 * Unicode (a lone UTF-16 surrogate such as `"\ud800"`, which the warehouse's JSON reader rejects), and instants the
 * warehouse and the reports cannot hold. Everything else a message carries is stored as text or JSON written by
 * ourselves, so these are the checks that keep one bad event from failing its load.
 */

/** The first and last instants an event may carry: 1970-01-01 and 9999-12-31 (UTC), four-digit years. */
export const MIN_EVENT_MS = 0;
export const MAX_EVENT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Throws a 400 naming `field` unless `ms` is a storable instant. */
export function checkInstant(ms: number, field: string, sent: unknown): number {
  if (!Number.isFinite(ms) || ms < MIN_EVENT_MS || ms > MAX_EVENT_MS) {
    const shown = typeof sent === 'string' ? `'${sent.slice(0, 40)}'` : String(sent);
    throw invalid('bad_timestamp', `${field} ${shown} is not a time between 1970 and 9999 (milliseconds since 1970, seconds, or ISO 8601; not microseconds).`, `${field} ${shown} 不是 1970–9999 年之间的时间（应为自 1970 年起的毫秒数、秒数或 ISO 8601，而非微秒）。`);
  }
  return Math.round(ms);
}

/** A lone surrogate written as a JSON escape: the only way one can reach us (invalid UTF-8 bytes decode to U+FFFD). */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/**
 * Refuses a parsed body holding a string (or key) that is not well-formed Unicode, naming where (`batch[2].event`,
 * `data_list[0].properties.note`). The raw text is searched first: bodies without a surrogate escape (nearly all;
 * raw UTF-8 is never split into surrogates) cost one regex test and no walk.
 */
export function assertWellFormed(text: string, parsed: unknown, root: string): void {
  if (!SURROGATE_ESCAPE.test(text)) return;
  const at = loneSurrogateAt(parsed, root);
  if (at) throw invalid('bad_unicode', `${at} contains a lone UTF-16 surrogate (such as \\ud800): it is not Unicode text.`, `${at} 含有孤立的 UTF-16 代理项（如 \\ud800），不是有效的 Unicode 文本。`);
}

/** A high surrogate not followed by a low one, or a low one not after a high one (code units: no `u` flag). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** The path of the first string or key that is not well-formed, or null; iterative, so nesting cannot overflow. */
export function loneSurrogateAt(value: unknown, root: string): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isWellFormed(v)) return path || 'the body';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, x] = entries[i];
        const name = isWellFormed(k) ? k : '?';
        const p = path ? `${path}.${name}` : name;
        if (!isWellFormed(k)) return `${p} (a key)`;
        stack.push([x, p]);
      }
    }
  }
  return null;
}

/** How deep properties (and the other objects stored as JSON) may nest: far past any real event, far short of a stack. */
export const MAX_DEPTH = 32;

/**
 * Refuses an object nested more than MAX_DEPTH levels, naming it. Stops at the limit, so its cost is bounded by the
 * object's size within that depth (properties are a handful of keys: a fraction of a microsecond).
 */
export function assertShallow(v: unknown, where: string): void {
  if (deeper(v, MAX_DEPTH)) throw invalid('too_deep', `${where} nests objects or arrays more than ${MAX_DEPTH} levels deep.`, `${where} 的对象或数组嵌套超过 ${MAX_DEPTH} 层。`);
}

function deeper(v: unknown, left: number): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (left === 0) return true;
  if (Array.isArray(v)) {
    for (const x of v) if (deeper(x, left - 1)) return true;
    return false;
  }
  for (const k in v) if (deeper((v as Record<string, unknown>)[k], left - 1)) return true;
  return false;
}

/** A body nested more deeply than can be written back as JSON (`JSON.stringify` runs out of stack): a 400, not a 503. */
export function isTooDeep(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

export function tooDeep(where: string): Error {
  return invalid('too_deep', `${where} nests objects or arrays too deeply to be stored.`, `${where} 的对象或数组嵌套过深，无法保存。`);
}
