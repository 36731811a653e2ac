import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useState } from 'react';
import { DEFAULT_SETTINGS, type CentreSettings } from '../../../shared/schema';
import { centreDay } from '../../../shared/dates';
import { db } from '../db';
import { loadSettings } from '../repositories/settings';

/** The centre's settings, live: a change synced from another tablet shows at once. */
export function useCentreSettings(): CentreSettings {
  return useLiveQuery(() => loadSettings(db), [], DEFAULT_SETTINGS);
}

/** The wall clock, re-read every `intervalMs`, so "time in" and the day roll forward. */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The centre's day right now, in its own time zone. */
export function useCentreDay(): string {
  const { timeZone } = useCentreSettings();
  return centreDay(useNow(), timeZone);
}
