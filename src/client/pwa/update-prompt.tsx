import { useEffect, useSyncExternalStore } from 'react';
import { useUiMessages } from '../ui/messages';
import { updateStore } from './update-store';

const OFFLINE_READY_MS = 6000;

/** Offers a waiting new version; never forces it. */
export function UpdatePrompt() {
  const t = useUiMessages();
  const { updateReady, offlineReady } = useSyncExternalStore(updateStore.subscribe, updateStore.get, updateStore.get);

  useEffect(() => {
    if (!offlineReady) return;
    const timer = setTimeout(updateStore.dismissOfflineReady, OFFLINE_READY_MS);
    return () => clearTimeout(timer);
  }, [offlineReady]);

  if (updateReady) {
    return (
      <aside className="banner" aria-labelledby="update-ready">
        <p id="update-ready">{t('updateReady')}</p>
        <div className="banner-actions">
          <button type="button" className="button primary" onClick={updateStore.applyUpdate}>
            {t('updateNow')}
          </button>
          <button type="button" className="button" onClick={updateStore.dismissUpdate}>
            {t('updateLater')}
          </button>
        </div>
      </aside>
    );
  }
  return (
    <div role="status" className={offlineReady ? 'banner quiet' : 'visually-hidden'}>
      {offlineReady ? t('offlineReady') : ''}
    </div>
  );
}
