import { useSyncExternalStore } from 'react';

function subscribe(listener: () => void): () => void {
  globalThis.addEventListener('online', listener);
  globalThis.addEventListener('offline', listener);
  return () => {
    globalThis.removeEventListener('online', listener);
    globalThis.removeEventListener('offline', listener);
  };
}

/**
 * Whether the browser says it has a network. A "yes" may still be a captive wifi with no way
 * out, so every request says for itself when it found no server; a "no" is sure, and saves the
 * lead a wait for an answer that cannot come.
 */
export function useBrowserOnline(): boolean {
  return useSyncExternalStore(subscribe, () => globalThis.navigator?.onLine ?? true, () => true);
}
