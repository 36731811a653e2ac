import { useEffect, useState } from 'react';

let drawn: () => void = () => undefined;
/** Resolves once the first screen has its data on it (Today: the present list read and drawn). */
export const firstScreenDrawn = new Promise<void>((resolve) => {
  drawn = resolve;
});

/** Called by the first screen when it is usable; later calls do nothing. */
export function markFirstScreenDrawn(): void {
  drawn();
}

/** Runs `work` when the browser is idle (or after a short wait where it cannot say). */
export function whenIdle(work: () => void, timeoutMs = 1500): void {
  if (typeof globalThis.requestIdleCallback === 'function') globalThis.requestIdleCallback(() => work(), { timeout: timeoutMs });
  else setTimeout(work, 200);
}

/** Runs `work` once the first screen is drawn and the browser then has a moment. */
export function afterFirstScreen(work: () => void): void {
  void firstScreenDrawn.then(() => whenIdle(work));
}

/** False until the first screen is drawn and the browser has been idle: for parts that may arrive late. */
export function useAfterFirstScreen(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => afterFirstScreen(() => setReady(true)), []);
  return ready;
}
