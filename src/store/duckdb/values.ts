import {
  DuckDBDateValue, DuckDBDecimalValue, DuckDBTimestampValue, DuckDBTimestampTZValue, DuckDBListValue,
  DuckDBStructValue, DuckDBMapValue, DuckDBBlobValue, DuckDBIntervalValue, type DuckDBValue,
} from '@duckdb/node-api';

/** DuckDB values → plain JS: integers and decimals to numbers, dates to YYYY-MM-DD, timestamps to ISO-8601 UTC. */
export function toPlain(v: DuckDBValue): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'object') return v;
  if (v instanceof DuckDBDecimalValue) return v.toDouble();
  if (v instanceof DuckDBDateValue) return v.toString();
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue) {
    const micros = v.micros;
    return new Date(Number(micros / 1000n)).toISOString();
  }
  if (v instanceof DuckDBListValue) return v.items.map(toPlain);
  if (v instanceof DuckDBStructValue) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v.entries)) o[k] = toPlain(x as DuckDBValue);
    return o;
  }
  if (v instanceof DuckDBMapValue) return v.entries.map((e) => [toPlain(e.key), toPlain(e.value)]);
  if (v instanceof DuckDBBlobValue) return Buffer.from(v.bytes);
  if (v instanceof DuckDBIntervalValue) return v.toString();
  return String(v);
}
