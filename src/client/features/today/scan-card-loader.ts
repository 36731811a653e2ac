import { useEffect, useState } from 'react';
import { afterFirstScreen } from '../../ui/first-screen';
import type { ScanCard } from './scan/scan-card';

/**
 * Today's camera button, fetched once the first screen is drawn and the tablet is idle: all of
 * the scanner is kept out of the first load (its 130 KB budget), and what Today carries is this.
 * A tablet that cannot fetch it (offline on its very first visit, before the service worker kept
 * the app) shows no camera button rather than one that fails; the keypad does the same work.
 */
export function useScanCard(): { ScanCard: typeof ScanCard } | null {
  const [loaded, setLoaded] = useState<{ ScanCard: typeof ScanCard } | null>(null);
  useEffect(
    () =>
      afterFirstScreen(() => {
        import('./scan/scan-card').then(
          (module) => setLoaded({ ScanCard: module.ScanCard }),
          () => undefined,
        );
      }),
    [],
  );
  return loaded;
}
