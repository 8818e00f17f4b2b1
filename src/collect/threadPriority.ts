import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Request thread first (请求线程优先): on Linux, lowers the scheduling priority (nice) of this process's helper
 * threads — DuckDB's workers and the libuv pool that runs its queries, the loader's inserts and checkpoints among
 * them — below the main thread, which answers the collection requests. On 2 cores a load or checkpoint otherwise
 * takes both cores for a few hundred milliseconds and every request waiting for its acknowledgement waits with it.
 * Nice only matters when the cores are contended: on an idle machine DuckDB still gets every core it asks for,
 * so analytic queries keep their speed; under collection load they yield to the request path.
 *
 * `keep`: threads that answer requests as the main thread does (the write-ahead log's writer, logFile.ts) keep its
 * priority. The helper threads get the main thread's nice plus `nice` (default 19: the lowest, at most 19). Linux's
 * setpriority on a thread id applies to that thread alone. New threads (DuckDB starts its own when its `threads`
 * setting grows) are picked up by a rescan every few seconds. `SIYU_HELPER_NICE=0` turns this off.
 */
export function lowerHelperThreads(keep: number[] = [], nice = Number(process.env.SIYU_HELPER_NICE ?? 19), everyMs = 3000): () => void {
  if (process.platform !== 'linux' || !(nice > 0)) return () => undefined;
  // Relative to the main thread's own nice (an operator may already run the server niced).
  const target = Math.min(19, getPriority() + nice);
  const done = new Set<number>(keep);
  const scan = () => {
    let tids: string[];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return;
    }
    for (const t of tids) {
      const tid = Number(t);
      if (tid === process.pid || done.has(tid)) continue;
      done.add(tid);
      try {
        setPriority(tid, target);
      } catch {
        // A thread that ended between the listing and the call: nothing to lower.
      }
    }
  };
  scan();
  const timer = setInterval(scan, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
