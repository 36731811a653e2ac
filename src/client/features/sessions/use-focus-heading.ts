import { useEffect, useRef } from 'react';

/**
 * Moves focus to a view's heading when it appears, so a screen reader (and a keyboard) starts at
 * the new view instead of staying on a button that is gone.
 */
export function useFocusHeading<E extends HTMLElement>() {
  const ref = useRef<E>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
