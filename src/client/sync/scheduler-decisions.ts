import type { SyncResult } from './engine';

/**
 * The sync scheduler's decisions (sync-protocol.md, "Device behaviour"), as one pure function of
 * its state and what just happened: when to sync, how long to back off, what a result means. No
 * timers, no locks, no clock of its own: scheduler.ts carries the effects out, and the decisions
 * are tested as a truth table (scheduler-decisions.test.ts).
 */

export type SchedulerState = {
  started: boolean;
  /** The enrolment's token: undefined until the database was first looked at, null when not enrolled. */
  token: string | null | undefined;
  /** Ops in the outbox, as last seen. */
  pending: number;
  /** A sync is under way (waiting for the lock, or running). */
  running: boolean;
  /** Asked to run during a run: one more follows it, if it succeeded. */
  again: boolean;
  /** Failures in a row; 0 after a success. */
  failures: number;
  /** Automatic runs (writes, the timer) wait until then after a failure. */
  retryAt: number;
  /** The server's Retry-After: not even `online` or a tab coming back runs before it. */
  notBefore: number;
  /** After a 401 or a 426 nothing runs by itself until a new enrolment (or syncNow). */
  parked: boolean;
  /** The first of a burst of local writes not yet synced: the debounce never waits past its maximum from it. */
  firstWriteAt: number | null;
  /** When the timer is set to run a sync; null when no timer is set. */
  nextRunAt: number | null;
  lastResult: SyncResult | null;
};

export type SchedulerEvent =
  | { type: 'start' }
  | { type: 'stop' }
  /** The database's enrolment token and outbox size, as they change. */
  | { type: 'triggers'; token: string | null; pending: number }
  /** `online`, or the tab becoming visible: a real chance to sync. */
  | { type: 'chance' }
  /** The timer set by the last `timer` effect fired. */
  | { type: 'timer' }
  /** Someone asked for a sync now (after enrolling, the sync button). */
  | { type: 'sync-now' }
  /** The sync under way ended: its result, or null when nothing ran (not this tab's turn). */
  | { type: 'ran'; result: SyncResult | null };

export type SchedulerEffect =
  /** Begin a sync now. */
  | { type: 'run' }
  /** Set the one timer to fire at `at` (epoch ms), replacing any; null clears it. */
  | { type: 'timer'; at: number | null };

export type SchedulerContext = {
  now: number;
  /** The wait before the next automatic try after `failures` failures (backoff, Retry-After). */
  retryDelay: (failures: number, retryAfterMs: number | undefined) => number;
  debounceMs: number;
  maxDebounceMs: number;
  intervalMs: number;
};

export const INITIAL_STATE: SchedulerState = {
  started: false,
  token: undefined,
  pending: 0,
  running: false,
  again: false,
  failures: 0,
  retryAt: 0,
  notBefore: 0,
  parked: false,
  firstWriteAt: null,
  nextRunAt: null,
  lastResult: null,
};

export type Decision = { state: SchedulerState; effects: SchedulerEffect[] };

const canRun = (state: SchedulerState) => state.started && typeof state.token === 'string';
const timer = (state: SchedulerState, at: number | null): Decision => ({ state: { ...state, nextRunAt: at }, effects: [{ type: 'timer', at }] });
const nothing = (state: SchedulerState): Decision => ({ state, effects: [] });

/** A run asked for: now, or after the one under way, or not at all when it cannot run. */
function runNow(state: SchedulerState): Decision {
  if (!canRun(state)) return nothing(state);
  if (state.running) return nothing({ ...state, again: true });
  return { state: { ...state, running: true, firstWriteAt: null, nextRunAt: null }, effects: [{ type: 'timer', at: null }, { type: 'run' }] };
}

/** What a sync's result means for the next one. */
function settle(state: SchedulerState, result: SyncResult | null, context: SchedulerContext): Decision {
  if (!state.started) return nothing(state);
  // Nothing ran (another tab's turn, a lock given up): look again later.
  if (!result) return timer(state, context.now + context.intervalMs);
  const withResult = { ...state, lastResult: result };
  switch (result.outcome) {
    case 'offline':
    case 'error': {
      const failures = state.failures + 1;
      const retryAt = context.now + context.retryDelay(failures, result.retryAfterMs);
      const notBefore = result.retryAfterMs === undefined ? 0 : context.now + result.retryAfterMs;
      return timer({ ...withResult, failures, retryAt, notBefore, again: false }, retryAt);
    }
    case 'needs-enrolment':
    case 'needs-update':
      return timer({ ...withResult, parked: true, again: false }, null);
    default:
      return timer({ ...withResult, failures: 0, retryAt: 0, notBefore: 0 }, context.now + context.intervalMs);
  }
}

/** A local write: a sync shortly, once for a burst of writes, never inside a backoff. */
function localWrite(state: SchedulerState, context: SchedulerContext): Decision {
  if (!canRun(state) || state.parked) return nothing(state);
  const firstWriteAt = state.firstWriteAt ?? context.now;
  const due = Math.min(context.now + context.debounceMs, firstWriteAt + context.maxDebounceMs);
  return timer({ ...state, firstWriteAt }, Math.max(due, state.retryAt));
}

export function decide(state: SchedulerState, event: SchedulerEvent, context: SchedulerContext): Decision {
  switch (event.type) {
    case 'start':
      if (state.started) return nothing(state);
      return nothing({ ...state, started: true, token: undefined, parked: false });
    case 'stop':
      return timer({ ...state, started: false }, null);
    case 'triggers': {
      const grew = event.pending > state.pending;
      const next = { ...state, token: event.token, pending: event.pending };
      if (event.token === null) return timer(next, null);
      // On start, and after a (re-)enrolment: a new token starts afresh.
      if (event.token !== state.token) return runNow({ ...next, parked: false, failures: 0, retryAt: 0, notBefore: 0 });
      return grew ? localWrite(next, context) : nothing(next);
    }
    case 'chance':
      // `online` and a tab coming back skip the backoff, not a 401 or 426, nor the wait a busy
      // server asked for (then they bring the next run forward to its end).
      if (state.parked) return nothing(state);
      return context.now < state.notBefore ? timer(state, state.notBefore) : runNow(state);
    case 'timer':
      return runNow({ ...state, nextRunAt: null });
    case 'sync-now':
      return runNow({ ...state, parked: false });
    case 'ran': {
      const settled = settle({ ...state, running: false }, event.result, context);
      const after = settled.state;
      if (after.again && canRun(after) && !after.parked && after.failures === 0) {
        const next = runNow({ ...after, again: false });
        return { state: next.state, effects: [...settled.effects, ...next.effects] };
      }
      return settled;
    }
  }
}
