import { describe, expect, it } from 'vitest';
import type { SyncResult } from './engine';
import { decide, INITIAL_STATE, type SchedulerContext, type SchedulerEffect, type SchedulerEvent, type SchedulerState } from './scheduler-decisions';

/** The scheduler's decisions as a truth table: a state, an event, the state after and the effects. */

const NOW = 1_000_000;
const context: SchedulerContext = { now: NOW, retryDelay: (failures, retryAfterMs) => Math.max(2000 * 2 ** (failures - 1), retryAfterMs ?? 0), debounceMs: 2000, maxDebounceMs: 10_000, intervalMs: 60_000 };
const result = (outcome: SyncResult['outcome'], retryAfterMs?: number): SyncResult => ({ outcome, pushed: 0, rejected: 0, pulled: 0, at: NOW, ...(retryAfterMs !== undefined && { retryAfterMs }) });

/** Enrolled and started, idle: the usual state between syncs. */
const idle: SchedulerState = { ...INITIAL_STATE, started: true, token: 't', nextRunAt: NOW + 30_000, lastResult: result('synced') };
const RUN: SchedulerEffect[] = [{ type: 'timer', at: null }, { type: 'run' }];
const timerAt = (at: number | null): SchedulerEffect[] => [{ type: 'timer', at }];

type Row = [what: string, before: SchedulerState, event: SchedulerEvent, after: Partial<SchedulerState>, effects: SchedulerEffect[]];

const rows: Row[] = [
  // Starting and the enrolment.
  ['start: started, nothing runs until the database is read', INITIAL_STATE, { type: 'start' }, { started: true, token: undefined }, []],
  ['start again: nothing', idle, { type: 'start' }, {}, []],
  ['first look: not enrolled, no timer', { ...INITIAL_STATE, started: true }, { type: 'triggers', token: null, pending: 3 }, { token: null, pending: 3, nextRunAt: null }, timerAt(null)],
  ['first look: enrolled, runs at once', { ...INITIAL_STATE, started: true }, { type: 'triggers', token: 't', pending: 0 }, { token: 't', running: true }, RUN],
  ['a new token: runs at once and forgets the backoff and a park', { ...idle, failures: 3, retryAt: NOW + 8000, notBefore: NOW + 5000, parked: true }, { type: 'triggers', token: 't2', pending: 0 }, { token: 't2', running: true, failures: 0, retryAt: 0, notBefore: 0, parked: false, nextRunAt: null }, RUN],
  ['enrolment removed: the timer goes', idle, { type: 'triggers', token: null, pending: 0 }, { token: null, nextRunAt: null }, timerAt(null)],
  // Local writes.
  ['a write: a sync 2 s later', idle, { type: 'triggers', token: 't', pending: 1 }, { pending: 1, firstWriteAt: NOW, nextRunAt: NOW + 2000 }, timerAt(NOW + 2000)],
  ['a write in a burst: pushed back, never past 10 s from the first', { ...idle, pending: 5, firstWriteAt: NOW - 9000 }, { type: 'triggers', token: 't', pending: 6 }, { pending: 6, nextRunAt: NOW + 1000 }, timerAt(NOW + 1000)],
  ['a write during a backoff: not before its end', { ...idle, failures: 2, retryAt: NOW + 8000 }, { type: 'triggers', token: 't', pending: 1 }, { pending: 1, firstWriteAt: NOW, nextRunAt: NOW + 8000 }, timerAt(NOW + 8000)],
  ['a write while parked: nothing', { ...idle, parked: true }, { type: 'triggers', token: 't', pending: 1 }, { pending: 1 }, []],
  ['the outbox shrinking (a sync sent it): nothing', { ...idle, pending: 4 }, { type: 'triggers', token: 't', pending: 0 }, { pending: 0 }, []],
  // Chances: online, a tab coming back.
  ['online: runs now, backoff or not', { ...idle, failures: 4, retryAt: NOW + 30_000 }, { type: 'chance' }, { running: true, nextRunAt: null }, RUN],
  ['online inside a Retry-After: at its end', { ...idle, notBefore: NOW + 5000 }, { type: 'chance' }, { nextRunAt: NOW + 5000 }, timerAt(NOW + 5000)],
  ['online while parked: nothing', { ...idle, parked: true }, { type: 'chance' }, {}, []],
  ['online during a run: one more after it', { ...idle, running: true }, { type: 'chance' }, { again: true }, []],
  ['online before the database was read: nothing', { ...INITIAL_STATE, started: true }, { type: 'chance' }, {}, []],
  // The timer and sync now.
  ['the timer: runs', idle, { type: 'timer' }, { running: true, nextRunAt: null }, RUN],
  ['sync now while parked: runs, unparked', { ...idle, parked: true }, { type: 'sync-now' }, { parked: false, running: true, nextRunAt: null }, RUN],
  ['sync now, not enrolled: nothing', { ...idle, token: null }, { type: 'sync-now' }, {}, []],
  // What a result means.
  ['synced: every minute from now', { ...idle, running: true, failures: 2, retryAt: NOW - 1, notBefore: NOW - 1 }, { type: 'ran', result: result('synced') }, { running: false, failures: 0, retryAt: 0, notBefore: 0, nextRunAt: NOW + 60_000 }, timerAt(NOW + 60_000)],
  ['offline: the first backoff, 2 s', { ...idle, running: true }, { type: 'ran', result: result('offline') }, { running: false, failures: 1, retryAt: NOW + 2000, nextRunAt: NOW + 2000, lastResult: result('offline') }, timerAt(NOW + 2000)],
  ['an error after two failures: 8 s', { ...idle, running: true, failures: 2 }, { type: 'ran', result: result('error') }, { running: false, failures: 3, retryAt: NOW + 8000, nextRunAt: NOW + 8000, lastResult: result('error') }, timerAt(NOW + 8000)],
  ['a busy server: its Retry-After holds even online', { ...idle, running: true }, { type: 'ran', result: result('error', 30_000) }, { running: false, failures: 1, retryAt: NOW + 30_000, notBefore: NOW + 30_000, nextRunAt: NOW + 30_000, lastResult: result('error', 30_000) }, timerAt(NOW + 30_000)],
  ['a refused token: parked, no timer', { ...idle, running: true }, { type: 'ran', result: result('needs-enrolment') }, { running: false, parked: true, nextRunAt: null, lastResult: result('needs-enrolment') }, timerAt(null)],
  ['an app too old: parked', { ...idle, running: true }, { type: 'ran', result: result('needs-update') }, { running: false, parked: true, nextRunAt: null, lastResult: result('needs-update') }, timerAt(null)],
  ['nothing ran (another tab synced): look again in a minute', { ...idle, running: true }, { type: 'ran', result: null }, { running: false, nextRunAt: NOW + 60_000, lastResult: idle.lastResult }, timerAt(NOW + 60_000)],
  ['asked again during a run that succeeded: runs once more', { ...idle, running: true, again: true }, { type: 'ran', result: result('synced') }, { again: false, running: true, nextRunAt: null }, [...timerAt(NOW + 60_000), ...RUN]],
  ['asked again during a run that failed: the backoff decides', { ...idle, running: true, again: true }, { type: 'ran', result: result('offline') }, { again: false, running: false, failures: 1, retryAt: NOW + 2000, nextRunAt: NOW + 2000, lastResult: result('offline') }, timerAt(NOW + 2000)],
  ['a run that ends after stop: nothing', { ...idle, started: false, running: true, again: true }, { type: 'ran', result: result('synced') }, { running: false }, []],
  // Stopping.
  ['stop: no timer', idle, { type: 'stop' }, { started: false, nextRunAt: null }, timerAt(null)],
  ['a write after stop: nothing', { ...idle, started: false }, { type: 'triggers', token: 't', pending: 1 }, { pending: 1 }, []],
];

describe('the sync scheduler’s decisions', () => {
  it.each(rows)('%s', (_what, before, event, after, effects) => {
    const decision = decide(before, event, context);
    expect(decision.state).toEqual({ ...before, ...after });
    expect(decision.effects).toEqual(effects);
  });

  it('remembers the last result for the status, and keeps it when nothing ran', () => {
    const failed = decide({ ...idle, running: true }, { type: 'ran', result: result('offline') }, context).state;
    expect(failed.lastResult?.outcome).toBe('offline');
    expect(decide({ ...failed, running: true }, { type: 'ran', result: null }, context).state.lastResult?.outcome).toBe('offline');
  });
});
