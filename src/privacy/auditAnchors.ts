/**
 * Anchors of the audit chain (审计锚点): after every append the chain's head (seq, hash) is appended as one line to
 * `audit.anchors` beside the store (0600, append-only) and, when `SIYU_AUDIT_ANCHOR_URL` is set, posted there.
 * Verification requires every anchored entry to be in the chain with the anchored hash, so deleting the newest
 * entries, or rewriting the table and its head row, is detected as long as the anchors survive — the file is out of
 * the store's reach, the sink out of the machine's.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { auditAnchorUrl, paths } from '../config.ts';
import { logError } from '../logging.ts';

export interface Anchor {
  seq: number;
  hash: string;
  /** epoch milliseconds of the append */
  at: number;
}

export function appendAnchor(dir: string, a: Anchor): void {
  const file = paths.auditAnchors(dir);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  appendFileSync(file, `${JSON.stringify({ seq: a.seq, hash: a.hash, at: a.at })}\n`, { mode: 0o600 });
  postAnchor(a);
}

export interface AnchorLog {
  /** seq → every hash anchored for it (more than one only if the log was tampered with or mixed up) */
  anchors: Map<number, Set<string>>;
  /** line numbers that are not an anchor (a torn last line, left by a crash mid-write, is not counted) */
  unreadable: number[];
}

export function readAnchors(dir: string): AnchorLog {
  const file = paths.auditAnchors(dir);
  const out: AnchorLog = { anchors: new Map(), unreadable: [] };
  if (!existsSync(file)) return out;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const torn = i === lines.length - 1;   // no newline after it: the write was cut
    try {
      const a = JSON.parse(line) as Anchor;
      if (!Number.isSafeInteger(a.seq) || a.seq < 1 || typeof a.hash !== 'string' || !/^[0-9a-f]{64}$/.test(a.hash)) throw new Error('not an anchor');
      if (!out.anchors.has(a.seq)) out.anchors.set(a.seq, new Set());
      out.anchors.get(a.seq)!.add(a.hash);
    } catch {
      if (!torn) out.unreadable.push(i + 1);
    }
  });
  return out;
}

/** The external sink: one request in flight; an anchor made meanwhile waits, and only the latest is sent next. */
let inFlight: Promise<void> | null = null;
let next: Anchor | null = null;

function postAnchor(a: Anchor): void {
  let url: string | null;
  try {
    url = auditAnchorUrl();
  } catch (e) {
    logError('audit.anchor_sink', e);   // a bad URL is also said by `siyu audit verify`
    return;
  }
  if (!url) return;
  next = a;
  if (!inFlight) inFlight = drain(url).finally(() => (inFlight = null));
}

async function drain(url: string): Promise<void> {
  while (next) {
    const a = next;
    next = null;
    try {
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'siyu.audit.anchor', seq: a.seq, hash: a.hash, at: new Date(a.at).toISOString() }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
    } catch (e) {
      logError('audit.anchor_sink', e, { seq: a.seq });
    }
  }
}

/** Resolves when the sink has been sent everything anchored so far (tests, and a command about to exit). */
export async function anchorsSent(): Promise<void> {
  while (inFlight) await inFlight;
}
