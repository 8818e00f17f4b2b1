/**
 * Runs `tick` after `firstDelayMs` and then every `everyMs`, never two at once; the timers do not keep the process
 * alive. Returns the function that stops it. Shared by the daily jobs and the monthly report.
 */
export function repeatEvery(firstDelayMs: number, everyMs: number, tick: () => Promise<void>): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await tick();
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void run(), firstDelayMs);
  const every = setInterval(() => void run(), everyMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
