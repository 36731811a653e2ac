import { describe, expect, it } from 'vitest';
import { WebLocksOrigin } from '../support/web-locks';

/**
 * The stand-in for `navigator.locks` behaves as the spec says, on the cases the web-platform
 * tests check for each option (web-locks/ in WPT), so the scheduler's tests run on the real
 * semantics. Every wait here is on a promise the test settles itself.
 */

/** A promise the test settles, and a flag saying whether it has. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every job already queued run (grants and callbacks are queued, never run inside request). */
const settled = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('the Web Locks stand-in', () => {
  it('grants an exclusive lock to one tab at a time, in the order asked, and never inside request()', async () => {
    const origin = new WebLocksOrigin();
    const [a, b, c] = [origin.tab('a'), origin.tab('b'), origin.tab('c')];
    const order: string[] = [];
    const releaseA = deferred();
    const first = a.request('sync', async (lock) => {
      order.push(`a ${lock?.name} ${lock?.mode}`);
      await releaseA.promise;
      return 'a done';
    });
    expect(order).toEqual([]);
    const second = b.request('sync', () => void order.push('b'));
    const third = c.request('sync', { mode: 'exclusive' }, () => void order.push('c'));
    await settled();
    expect(order).toEqual(['a sync exclusive']);
    expect((await a.query()).held).toEqual([{ name: 'sync', mode: 'exclusive', clientId: 'a' }]);
    expect((await a.query()).pending?.map((info) => info.clientId)).toEqual(['b', 'c']);

    releaseA.resolve();
    await expect(first).resolves.toBe('a done');
    await Promise.all([second, third]);
    expect(order).toEqual(['a sync exclusive', 'b', 'c']);
    expect(await a.query()).toEqual({ held: [], pending: [] });
  });

  it('keeps locks of different names apart', async () => {
    const origin = new WebLocksOrigin();
    const hold = deferred();
    const seen: string[] = [];
    void origin.tab().request('one', () => hold.promise);
    await origin.tab().request('two', () => void seen.push('two'));
    expect(seen).toEqual(['two']);
    hold.resolve();
  });

  it('with ifAvailable, calls back with null at once when the lock is held or others wait, and grants it when free', async () => {
    const origin = new WebLocksOrigin();
    const [a, b, c] = [origin.tab('a'), origin.tab('b'), origin.tab('c')];
    const hold = deferred();
    void a.request('sync', () => hold.promise);
    await settled();
    await expect(b.request('sync', { ifAvailable: true }, (lock) => lock)).resolves.toBeNull();

    hold.resolve();
    await settled();
    await expect(b.request('sync', { ifAvailable: true }, (lock) => lock?.name)).resolves.toBe('sync');

    // Free but with a request waiting: not grantable, so null (the queue goes first).
    const holdAgain = deferred();
    void a.request('sync', () => holdAgain.promise);
    const queued = c.request('sync', () => 'c');
    await settled();
    holdAgain.resolve();
    await expect(b.request('sync', { ifAvailable: true }, (lock) => lock)).resolves.toBeNull();
    await expect(queued).resolves.toBe('c');
  });

  it('with steal, takes the lock from its holder at once: the holder hears AbortError, its callback runs on', async () => {
    const origin = new WebLocksOrigin();
    const [a, b, c] = [origin.tab('a'), origin.tab('b'), origin.tab('c')];
    const hung = deferred<string>();
    let aStillRunning = true;
    const held = a.request('sync', async () => {
      await hung.promise;
      aStillRunning = false;
    });
    await settled();
    const waiting = c.request('sync', () => 'c after b');
    const stealerDone = deferred();
    const stolen = b.request('sync', { steal: true }, () => stealerDone.promise.then(() => 'b'));
    await expect(held).rejects.toMatchObject({ name: 'AbortError' });
    expect(aStillRunning).toBe(true);
    // The stealer goes before the request that was already waiting.
    expect((await a.query()).held).toEqual([{ name: 'sync', mode: 'exclusive', clientId: 'b' }]);
    expect((await a.query()).pending?.map((info) => info.clientId)).toEqual(['c']);

    // The old holder finishing later releases nothing: the lock is no longer its.
    hung.resolve('late');
    await settled();
    expect((await a.query()).held?.map((info) => info.clientId)).toEqual(['b']);
    stealerDone.resolve();
    await expect(stolen).resolves.toBe('b');
    await expect(waiting).resolves.toBe('c after b');
  });

  it('with a signal, stops waiting when it aborts, with its reason; an abort after the grant changes nothing', async () => {
    const origin = new WebLocksOrigin();
    const [a, b] = [origin.tab('a'), origin.tab('b')];
    const hold = deferred();
    void a.request('sync', () => hold.promise);
    await settled();
    const controller = new AbortController();
    let called = false;
    const waiting = b.request('sync', { signal: controller.signal }, () => (called = true));
    await settled();
    controller.abort(new Error('waited long enough'));
    await expect(waiting).rejects.toThrow('waited long enough');
    expect((await a.query()).pending).toEqual([]);
    hold.resolve();
    await settled();
    expect(called).toBe(false);

    const late = new AbortController();
    const granted = deferred();
    const running = b.request('sync', { signal: late.signal }, () => granted.promise.then(() => 'kept'));
    await settled();
    late.abort();
    granted.resolve();
    await expect(running).resolves.toBe('kept');

    await expect(b.request('sync', { signal: AbortSignal.abort(new Error('already')) }, () => 'never')).rejects.toThrow('already');
  });

  it('grants shared locks together, and an exclusive one only after them all', async () => {
    const origin = new WebLocksOrigin();
    const [a, b, c] = [origin.tab('a'), origin.tab('b'), origin.tab('c')];
    const readers = [deferred(), deferred()];
    const seen: string[] = [];
    void a.request('sync', { mode: 'shared' }, () => (seen.push('a'), readers[0]!.promise));
    void b.request('sync', { mode: 'shared' }, () => (seen.push('b'), readers[1]!.promise));
    const writer = c.request('sync', () => void seen.push('c'));
    await settled();
    expect(seen).toEqual(['a', 'b']);
    readers[0]!.resolve();
    await settled();
    expect(seen).toEqual(['a', 'b']);
    readers[1]!.resolve();
    await writer;
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('releases the lock when the callback throws, and rejects with what it threw', async () => {
    const origin = new WebLocksOrigin();
    const tab = origin.tab();
    await expect(
      tab.request('sync', () => {
        throw new Error('the sync broke');
      }),
    ).rejects.toThrow('the sync broke');
    await expect(tab.request('sync', { ifAvailable: true }, (lock) => lock?.name)).resolves.toBe('sync');
  });

  it.each([
    ['-reserved', {}],
    ['sync', { steal: true, ifAvailable: true }],
    ['sync', { steal: true, mode: 'shared' as const }],
    ['sync', { steal: true, signal: new AbortController().signal }],
    ['sync', { ifAvailable: true, signal: new AbortController().signal }],
  ])('refuses %s with %o as NotSupportedError', async (name, options) => {
    await expect(new WebLocksOrigin().tab().request(name, options, () => 'never')).rejects.toMatchObject({ name: 'NotSupportedError' });
  });
});
