import { useEffect, useState } from 'react';

/** Runs `work` when the browser is idle (or after a short wait where it cannot say). */
export function whenIdle(work: () => void, timeoutMs = 1500): void {
  if (typeof globalThis.requestIdleCallback === 'function') globalThis.requestIdleCallback(() => work(), { timeout: timeoutMs });
  else setTimeout(work, 200);
}

/** False until the browser has been idle once since mount: for parts that may arrive late. */
export function useIdle(): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => whenIdle(() => setIdle(true)), []);
  return idle;
}
