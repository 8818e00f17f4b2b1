import { RECORD_TOO_LONG } from './lines.ts';

/** A line the reader could not split into fields, in the user's terms. */
export interface Structural {
  line: number;
  /** The header of the column where it went wrong, when there is one. */
  column?: string;
  reason: string;
}

export type ReaderReject = {
  line: number;
  error_type: string;
  column_idx: number | null;
  error_message: string;
};

const ENCODING_NAMES: Record<string, string> = { utf8: 'UTF-8', gb18030: 'GBK/GB18030', utf16le: 'UTF-16', utf16be: 'UTF-16' };

/**
 * DuckDB's reject (`TOO MANY COLUMNS`, `UNQUOTED VALUE`, `INVALID ENCODING` …) as a reason a user can act on, naming
 * the column by its header.
 */
export function describeReject(r: ReaderReject, headers: string[], encoding: string): Structural {
  const idx = r.column_idx === null ? null : Number(r.column_idx);
  const column = idx && idx <= headers.length ? headers[idx - 1] : undefined;
  const type = r.error_type.toUpperCase();
  let reason: string;
  if (type === 'TOO MANY COLUMNS') {
    // Kept short and the same for every line, so the summary counts them under one reason.
    reason = 'too many columns';
  } else if (type === 'UNQUOTED VALUE') {
    reason = 'a quote is not closed, or text follows a closing quote';
  } else if (type === 'INVALID ENCODING' || type === 'INVALID UNICODE') {
    reason = `bytes that are not valid ${ENCODING_NAMES[encoding] ?? encoding} text: the file is damaged or cut here, or in another encoding (--encoding)`;
  } else if (type === 'LINE SIZE OVER MAXIMUM') {
    reason = RECORD_TOO_LONG;
  } else {
    reason = `${type.toLowerCase()}: ${r.error_message.split('\n')[0]}`;
  }
  return { line: r.line, ...(column ? { column } : {}), reason };
}

export const UNCLOSED_QUOTE = 'a quote opened here is not closed on its line: the lines below it were read again as rows of their own';

export const QUOTE_TO_END = 'a quote opened here is never closed: the rest of the file is inside it';
