import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { afterFirstScreen } from '../../ui/first-screen';
import type { ScanCard } from './scan/scan-card';

/**
 * Today's camera button, fetched once the first screen is drawn and the tablet is idle: all of
 * the scanner is kept out of the first load (its 130 KB budget), and what Today carries is this.
 * A tablet that cannot fetch it (offline on its very first visit, before the service worker kept
 * the app) shows no camera button rather than one that fails; the keypad does the same work.
 * The button comes with its sentences in the tablet's language, fetched with it, so it never
 * waits for (or fails on) a chunk of its own once shown.
 */
export function useScanCard(): { ScanCard: typeof ScanCard } | null {
  const [loaded, setLoaded] = useState<{ ScanCard: typeof ScanCard } | null>(null);
  const { language } = useI18n();
  useEffect(
    () =>
      afterFirstScreen(() => {
        Promise.all([import('./scan/scan-card'), import('./scan/messages').then(({ useScanMessages }) => useScanMessages.preload(language))]).then(
          ([module]) => setLoaded({ ScanCard: module.ScanCard }),
          () => setLoaded(null),
        );
      }),
    [language],
  );
  return loaded;
}
