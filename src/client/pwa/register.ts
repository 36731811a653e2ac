import { Workbox } from 'workbox-window';
import { onApplyUpdate, setUpdateState as setState } from './update-store';

/**
 * Service worker registration through workbox-window, prompt-for-update style: a new version
 * installs in the background and waits; only the volunteer's tap on "Update" activates it and
 * reloads. The app never reloads itself: a reload in the middle of a registration would lose
 * what the volunteer was typing.
 */
let workbox: Workbox | null = null;

const UPDATE_CHECK_MS = 60 * 60 * 1000;

export function registerServiceWorker(url = '/sw.js'): void {
  if (!('serviceWorker' in navigator) || workbox) return;
  workbox = new Workbox(url, { scope: '/' });
  const wb = workbox;
  onApplyUpdate(() => {
    // Reload once the waiting worker has taken control (the page must run the new code).
    navigator.serviceWorker.addEventListener('controllerchange', () => globalThis.location.reload(), { once: true });
    wb.messageSkipWaiting();
  });
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
