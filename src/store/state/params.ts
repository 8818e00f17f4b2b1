import type { Params } from '../interfaces.ts';

/**
 * Values as both state engines bind them: booleans as 0/1 (the state schema keeps flags as integers; libsql aborts
 * the process on a boolean), undefined as NULL, dates as epoch milliseconds (every instant in the state store is one).
 */
export function stateValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/** Named parameters (`$name`) keep their names; positional arrays their order. */
export function stateParams(params?: Params): Record<string, unknown> | unknown[] | undefined {
  if (!params) return undefined;
  if (Array.isArray(params)) return params.map(stateValue);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) out[k] = stateValue(v);
  return out;
}

/**
 * `$name` parameters → PostgreSQL's `$1 … $n` (a name used twice gets one number), outside quoted text and
 * identifiers. Returns the text and the values in order; a name the text uses but the params lack is NULL.
 */
export function toPositional(sql: string, params?: Params): { text: string; values: unknown[] } {
  if (Array.isArray(params)) return { text: sql, values: params.map(stateValue) };
  const named = params ?? {};
  const index = new Map<string, number>();
  const values: unknown[] = [];
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      const end = closing(sql, i, ch);
      out += sql.slice(i, end + 1);
      i = end;
      continue;
    }
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
      continue;
    }
    if (ch === '$' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j])) j++;
      const name = sql.slice(i + 1, j);
      let n = index.get(name);
      if (n === undefined) {
        values.push(stateValue((named as Record<string, unknown>)[name]));
        n = values.length;
        index.set(name, n);
      }
      out += `$${n}`;
      i = j - 1;
      continue;
    }
    out += ch;
  }
  return { text: out, values };
}

/** Index of the quote closing the one at `start` (a doubled quote is an escaped one). */
function closing(sql: string, start: number, q: string): number {
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] !== q) continue;
    if (sql[i + 1] === q) {
      i++;
      continue;
    }
    return i;
  }
  return sql.length - 1;
}
