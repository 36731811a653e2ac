/**
 * The Web Locks API (https://w3c.github.io/web-locks/) for tests: one origin's lock manager, and
 * a `LockManager` per tab on it. jsdom and Node 20 have no `navigator.locks`, and the scheduler's
 * one-tab-at-a-time must be shown on the real semantics, not on a fake that only answers "held".
 *
 * Why not a package from the registry: the ones there either lack `ifAvailable` and `steal`
 * (web-locks, web-locks-polyfill) or keep their state in localStorage with a heartbeat
 * (navigator.locks): that one frees the lock of a tab whose heartbeat stops for 3 s, which no
 * browser does (a hung holder keeps its lock: the very case the scheduler must survive), and
 * rejects a stolen lock with a plain Error instead of an AbortError.
 *
 * This follows the spec's algorithms step by step ("request a lock", "process the lock request
 * queue", "is grantable", "release the lock", "signal to abort the request", `steal`), for both
 * modes. One simplification: the spec runs those steps on a parallel "lock task queue"; here they
 * run at once, in call order, which is an order that queue could take. Callbacks are invoked
 * asynchronously, as the spec's queued tasks are, never inside `request()`.
 */

type Mode = 'exclusive' | 'shared';

type Request = {
  clientId: string;
  name: string;
  mode: Mode;
  callback: LockGrantedCallback<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
};

type HeldLock = { clientId: string; name: string; mode: Mode; released: Pick<Request, 'resolve' | 'reject'> };

/** The lock manager of one origin (one storage bucket), shared by every tab of it. */
export class WebLocksOrigin {
  private readonly queues = new Map<string, Request[]>();
  private readonly held = new Set<HeldLock>();
  private tabs = 0;

  /** `navigator.locks` of a new tab of this origin. */
  tab(clientId = `tab-${++this.tabs}`): LockManager {
    return {
      request: (name: string, optionsOrCallback: LockOptions | LockGrantedCallback<unknown>, maybeCallback?: LockGrantedCallback<unknown>) => {
        const [options, callback] = typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback] : [optionsOrCallback, maybeCallback];
        return this.request(clientId, name, options, callback);
      },
      query: () => Promise.resolve(this.snapshot()),
    };
  }

  /** What `query()` answers: the held locks, and the requests waiting, in queue order. */
  snapshot(): LockManagerSnapshot {
    const info = ({ name, mode, clientId }: { name: string; mode: Mode; clientId: string }): LockInfo => ({ name, mode, clientId });
    return { held: [...this.held].map(info), pending: [...this.queues.values()].flat().map(info) };
  }

  private request(clientId: string, name: string, options: LockOptions, callback: LockGrantedCallback<unknown> | undefined): Promise<unknown> {
    if (typeof callback !== 'function') return Promise.reject(new TypeError('request() needs a callback'));
    const mode = options.mode ?? 'exclusive';
    if (mode !== 'exclusive' && mode !== 'shared') return Promise.reject(new TypeError(`'${String(mode)}' is not a valid LockMode`));
    if (name.startsWith('-')) return Promise.reject(notSupported('Names cannot start with "-".'));
    if (options.steal && options.ifAvailable) return Promise.reject(notSupported('The "steal" and "ifAvailable" options cannot be used together.'));
    if (options.steal && mode !== 'exclusive') return Promise.reject(notSupported('The "steal" option may only be used with exclusive locks.'));
    if (options.signal && (options.steal || options.ifAvailable)) {
      return Promise.reject(notSupported('The "signal" option cannot be used with "steal" or "ifAvailable".'));
    }
    const { signal } = options;
    // The spec rejects with the signal's reason, whatever value the caller aborted with.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (signal?.aborted) return Promise.reject(signal.reason);

    return new Promise((resolve, reject) => {
      const request: Request = { clientId, name, mode, callback, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        request.onAbort = () => this.abort(request);
        signal.addEventListener('abort', request.onAbort);
      }
      const queue = this.queue(name);
      if (options.steal) {
        // Every held lock of the name is released at once, its holder told by an AbortError;
        // the holder's callback runs on (nothing can stop it), and the request goes first.
        for (const lock of [...this.held]) {
          if (lock.name !== name) continue;
          this.held.delete(lock);
          lock.released.reject(new DOMException('The lock was stolen by another request.', 'AbortError'));
        }
        queue.unshift(request);
      } else if (options.ifAvailable && !this.grantable(request)) {
        later(() => settleWith(resolve, reject, () => callback(null)));
        return;
      } else {
        queue.push(request);
      }
      this.process(name);
    });
  }

  private queue(name: string): Request[] {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = []));
    return queue;
  }

  /** The spec's "is grantable": first in its queue (or the queue empty), and no conflicting lock held. */
  private grantable(request: Request): boolean {
    const queue = this.queues.get(request.name) ?? [];
    if (queue.length > 0 && queue[0] !== request) return false;
    const holders = [...this.held].filter((lock) => lock.name === request.name);
    return request.mode === 'exclusive' ? holders.length === 0 : holders.every((lock) => lock.mode === 'shared');
  }

  /** "Process the lock request queue": grants from the front while the front is grantable. */
  private process(name: string): void {
    const queue = this.queues.get(name) ?? [];
    while (queue.length > 0 && this.grantable(queue[0]!)) {
      const request = queue.shift()!;
      const lock: HeldLock = { clientId: request.clientId, name, mode: request.mode, released: request };
      this.held.add(lock);
      // Granted: an abort from now on changes nothing.
      if (request.onAbort) request.signal?.removeEventListener('abort', request.onAbort);
      later(() => {
        const waiting = new Promise((resolve, reject) => settleWith(resolve, reject, () => request.callback({ name, mode: request.mode })));
        const release = () => {
          // A stolen lock is gone from the set already, and its promise rejected: nothing to do.
          if (this.held.delete(lock)) this.process(name);
        };
        waiting.then(
          (value) => (release(), request.resolve(value)),
          (reason: unknown) => (release(), request.reject(reason)),
        );
      });
    }
    if (queue.length === 0) this.queues.delete(name);
  }

  /** "Signal to abort the request": only a request still waiting is taken out, and rejected. */
  private abort(request: Request): void {
    const queue = this.queues.get(request.name);
    const at = queue?.indexOf(request) ?? -1;
    if (at < 0) return;
    queue!.splice(at, 1);
    request.reject(request.signal?.reason);
    // The one it waited behind may now be first and grantable (a shared lock behind it, say).
    this.process(request.name);
  }
}

function notSupported(message: string): DOMException {
  return new DOMException(message, 'NotSupportedError');
}

/** The spec invokes callbacks in a task of their own; a resolved promise's job is that here. */
function later(step: () => void): void {
  void Promise.resolve().then(step);
}

function settleWith(resolve: (value: unknown) => void, reject: (reason: unknown) => void, run: () => unknown): void {
  try {
    resolve(run());
  } catch (error) {
    reject(error);
  }
}
