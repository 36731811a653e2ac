import { useEffect, useState, useSyncExternalStore } from 'react';
import { useDayAccess, useDeviceRole, useLeadPinSet, type DayAccess } from '../db/hooks/access';

/**
 * Whether the lead is at their tablet (product.md, Roles: lead actions on a lead's tablet left in
 * the playroom sit behind the lead's PIN). Unlocked by the PIN; locked again once nobody has
 * touched the tablet for IDLE_MS. Per tab and in memory only: a reload asks again.
 */
export const IDLE_MS = 5 * 60_000;

let unlocked = false;
let lastActivity = 0;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

/** A touch or a key: the tablet is in use. Idle for too long first, and it locks instead. */
function activity(): void {
  const now = Date.now();
  if (unlocked && now - lastActivity >= IDLE_MS) {
    unlocked = false;
    emit();
  }
  lastActivity = now;
}

let watching = false;
function watchActivity(): void {
  if (watching || typeof document === 'undefined') return;
  watching = true;
  // Capture: counted before any handler, so the tap that unlocks starts the idle clock too.
  document.addEventListener('pointerdown', activity, { capture: true, passive: true });
  document.addEventListener('keydown', activity, { capture: true, passive: true });
}

export const leadLock = {
  unlock(): void {
    unlocked = true;
    lastActivity = Date.now();
    emit();
  },
  lock(): void {
    unlocked = false;
    emit();
  },
  isUnlocked(now = Date.now()): boolean {
    return unlocked && now - lastActivity < IDLE_MS;
  },
};

const subscribe = (listener: () => void) => {
  watchActivity();
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** Unlocked now, re-checked every few seconds so an idle tablet locks without a touch. */
function useUnlocked(): boolean {
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 10_000);
    return () => clearInterval(timer);
  }, []);
  const flag = useSyncExternalStore(subscribe, () => unlocked);
  return flag && leadLock.isUnlocked();
}

/**
 * What lead actions this tablet offers now: `loading` while the role and the PIN are read (no
 * lead action shows early), `none` on a volunteer's tablet, `locked` on a lead's tablet with a
 * PIN nobody has typed lately, `open` otherwise.
 */
export type LeadAccess = 'loading' | 'none' | 'locked' | 'open';

export function useLeadAccess(): LeadAccess {
  const role = useDeviceRole();
  const pinSet = useLeadPinSet();
  const unlockedNow = useUnlocked();
  if (role === undefined || (role === 'lead' && pinSet === undefined)) return 'loading';
  if (role !== 'lead') return 'none';
  return !pinSet || unlockedNow ? 'open' : 'locked';
}

/**
 * The day's access (db/hooks/access.ts) with the lead's PIN applied: a closed day is a lead's to
 * correct only while the lead's tablet is unlocked. The one rule Today, Sessions and Shifts use.
 */
export function useDayWriteAccess(day: string): DayAccess {
  const access = useDayAccess(day);
  const lead = useLeadAccess();
  return access === 'closed-lead' && lead !== 'open' ? 'read-only' : access;
}
