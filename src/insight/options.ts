import { UserError } from '../errors.ts';
import { isDay } from '../domain/metrics/periods.ts';
import { filtersJsonSchema } from './filters.ts';

/**
 * The options of an insight question (src/insight/endpoints.ts) and the one reader of their values, shared by
 * `siyu insight <name> --kebab-name` and `GET /api/v1/insight/<name>?snake_name=`: every number has its bounds, so
 * CLI and API refuse the same values with the same words (a 400, never an internal error), before any query runs.
 */
export interface EndpointOption {
  type: 'string' | 'number' | 'integer';
  description: string;
  enum?: string[];
  default?: string | number;
  format?: 'date';
  /** Inclusive bounds of a number (required for numbers). */
  minimum?: number;
  maximum?: number;
  /** Longest text accepted (default 500). */
  maxLength?: number;
}

export type Query = Record<string, string | number | undefined>;

/** The JSON schema of one option, for the route's query string and OpenAPI. */
export function optionSchema(o: EndpointOption): Record<string, unknown> {
  const { type, description, enum: e, default: d, format, minimum, maximum } = o;
  const s: Record<string, unknown> = { type, description };
  if (e) s.enum = e;
  if (d !== undefined) s.default = d;
  if (format) s.format = format;
  if (type !== 'string') Object.assign(s, { minimum, maximum });
  else s.maxLength = o.maxLength ?? 500;
  return s;
}

/** How an option is named to the person who wrote it: `--new-days` on the command line, `new_days` in a URL. */
export type Style = 'cli' | 'api';
const label = (name: string, style: Style) => (style === 'cli' ? `--${name.replaceAll('_', '-')}` : name);

const fmt = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en') : String(x));

/**
 * Reads the options of a question from raw text values (CLI arguments, query-string values). Unknown names, numbers
 * that are not numbers or lie outside their bounds, values outside an enum, days that are not days: a UserError
 * naming the option, its allowed values and the value given, in English and 中文.
 */
export function readOptions(options: Record<string, EndpointOption>, raw: Record<string, unknown>, style: Style, opts: { filters: boolean }): Query {
  if (style === 'api') {
    const known = new Set([...Object.keys(options), ...(opts.filters ? Object.keys(filtersJsonSchema) : [])]);
    const unknown = Object.keys(raw).filter((k) => !known.has(k));
    if (unknown.length) {
      const list = [...known].join(', ');
      throw new UserError('bad_option', `Unknown option '${unknown[0]}'; the options are ${list}.`, `未知选项 '${unknown[0]}'，可用选项：${list}。`);
    }
  }
  const q: Query = {};
  for (const [name, o] of Object.entries(options)) {
    const v = raw[name];
    if (v === undefined || v === null || v === '') continue;
    const text = String(Array.isArray(v) ? v[v.length - 1] : v);
    const flag = label(name, style);
    if (o.type === 'string') {
      if (o.enum && !o.enum.includes(text)) throw new UserError('bad_option', `${flag} must be one of ${o.enum.join(', ')}, not '${text.slice(0, 40)}'.`, `${flag} 必须是 ${o.enum.join('、')} 之一，而不是 '${text.slice(0, 40)}'。`);
      if (o.format === 'date' && !isDay(text)) throw new UserError('bad_date', `${flag} must be a day YYYY-MM-DD, not '${text.slice(0, 40)}'.`, `${flag} 必须是日期 YYYY-MM-DD，而不是 '${text.slice(0, 40)}'。`);
      const max = o.maxLength ?? 500;
      if (text.length > max) throw new UserError('bad_option', `${flag} is at most ${max} characters.`, `${flag} 最多 ${max} 个字符。`);
      q[name] = text;
      continue;
    }
    const lo = o.minimum ?? -Number.MAX_SAFE_INTEGER;
    const hi = o.maximum ?? Number.MAX_SAFE_INTEGER;
    const whole = o.type === 'integer';
    const x = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(x) || (whole && !Number.isInteger(x)) || x < lo || x > hi) {
      const what = whole ? 'a whole number' : 'a number';
      const zh = whole ? '整数' : '数字';
      throw new UserError('bad_number', `${flag} must be ${what} from ${fmt(lo)} to ${fmt(hi)}, not '${text.slice(0, 40)}'.`, `${flag} 必须是 ${fmt(lo)} 到 ${fmt(hi)} 之间的${zh}，而不是 '${text.slice(0, 40)}'。`);
    }
    q[name] = x;
  }
  return q;
}
