import { Workbox } from 'workbox-window';

/**
 * Service worker registration through workbox-window, prompt-for-update style: a new version
 * installs in the background and waits; only the volunteer's tap on "Update" activates it and
 * reloads. The app never reloads itself: a reload in the middle of a registration would lose
 * what the volunteer was typing.
 */
export type UpdateState = { updateReady: boolean; offlineReady: boolean };

let state: UpdateState = { updateReady: false, offlineReady: false };
const listeners = new Set<() => void>();
let workbox: Workbox | null = null;

function setState(next: Partial<UpdateState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export const updateStore = {
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: (): UpdateState => state,
  dismissOfflineReady: () => setState({ offlineReady: false }),
  dismissUpdate: () => setState({ updateReady: false }),
  /** The volunteer tapped Update: let the waiting worker take over, then reload once. */
  applyUpdate: (): void => {
    if (!workbox) return;
    // Reload once the waiting worker has taken control (the page must run the new code).
    navigator.serviceWorker.addEventListener('controllerchange', () => globalThis.location.reload(), { once: true });
    workbox.messageSkipWaiting();
  },
};

const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerServiceWorker(url = '/sw.js'): void {
  if (!('serviceWorker' in navigator) || workbox) return;
  workbox = new Workbox(url, { scope: '/' });
  const wb = workbox;
  wb.addEventListener('waiting', () => setState({ updateReady: true }));
  wb.addEventListener('installed', (event) => {
    if (!event.isUpdate) setState({ offlineReady: true });
  });
  void wb.register().catch(() => {
    // No service worker (private mode, an old browser): the app still works while online.
  });
  // Look for a new version now and then, and whenever the tablet comes back to the app.
  const check = () => void wb.update().catch(() => undefined);
  setInterval(check, UPDATE_CHECK_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
}
