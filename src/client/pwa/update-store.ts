/**
 * What the update prompt shows, apart from the service worker code itself (workbox-window),
 * which registers after Today is drawn and fills this in.
 */
export type UpdateState = { updateReady: boolean; offlineReady: boolean };

let state: UpdateState = { updateReady: false, offlineReady: false };
const listeners = new Set<() => void>();
let skipWaiting: (() => void) | null = null;

export function setUpdateState(next: Partial<UpdateState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

/** Registration hands over how to activate the waiting version. */
export function onApplyUpdate(activate: () => void): void {
  skipWaiting = activate;
}

export const updateStore = {
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  get: (): UpdateState => state,
  dismissOfflineReady: () => setUpdateState({ offlineReady: false }),
  dismissUpdate: () => setUpdateState({ updateReady: false }),
  /** The volunteer tapped Update: let the waiting worker take over, then reload once. */
  applyUpdate: (): void => skipWaiting?.(),
};
