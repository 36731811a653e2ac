import { useEffect, useState } from 'react';
import type { RegisterChild } from './register-child';
import { registration } from './use-attendance-actions';

/**
 * The registration form and its code, which are not in Today's first load: fetched once the first
 * screen is drawn (main.tsx asks too, on whatever screen the app opens), from the service
 * worker's cache when offline. Unlike React.lazy, a failed fetch is tried again the next time a
 * registration opens, so a tablet that was offline on its very first visit recovers.
 */
export const loadRegistrationForm = () => Promise.all([import('./register-child'), registration()]).then(([form]) => form.RegisterChild);

export type RegistrationForm = { status: 'loading' } | { status: 'ready'; Form: typeof RegisterChild } | { status: 'failed' };

/** The form for the registration opened at `opened` (null: none open). */
export function useRegistrationForm(opened: number | null): RegistrationForm {
  const [loaded, setLoaded] = useState<{ Form: typeof RegisterChild } | null>(null);
  const [failedFor, setFailedFor] = useState<number | null>(null);
  useEffect(() => {
    if (opened === null || loaded) return;
    let current = true;
    loadRegistrationForm().then(
      (Form) => current && setLoaded({ Form }),
      () => current && setFailedFor(opened),
    );
    return () => {
      current = false;
    };
  }, [opened, loaded]);
  if (loaded) return { status: 'ready', Form: loaded.Form };
  return opened !== null && failedFor === opened ? { status: 'failed' } : { status: 'loading' };
}
