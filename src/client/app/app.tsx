import { lazy, Suspense, useEffect, useRef } from 'react';
import { useDeviceRole } from '../db/hooks/access';
import { useUiMessages } from '../ui/messages';
import { Link, usePath } from './router';
import { SCREENS } from './screens';
import { markFirstScreenDrawn, useAfterFirstScreen } from '../ui/first-screen';

// Sync state is not needed to draw Today, so it arrives just after, from the precache.
const SyncStatusBar = lazy(() => import('../features/sync-status/sync-status-bar').then((module) => ({ default: module.SyncStatusBar })));
// A new version is announced by the service worker, which registers after the first screen too.
const UpdatePrompt = lazy(() => import('../pwa/update-prompt').then((module) => ({ default: module.UpdatePrompt })));
// A lead's tablet is told when a code reached two children; it loads with the sync status.
const CodeClashAlert = lazy(() => import('../features/children/code-clash-alert').then((module) => ({ default: module.CodeClashAlert })));

export function App() {
  const t = useUiMessages();
  const path = usePath();
  const idle = useAfterFirstScreen();
  const screen = SCREENS.find((candidate) => candidate.path === path);
  // A volunteer's tablet shows only what its role may do; while the role is read, lead screens
  // stay out (they arrive at the end of the row, which keeps its height: nothing moves).
  const role = useDeviceRole();
  const nav = SCREENS.filter((item) => item.inNav && (!item.leadOnly || role === 'lead'));
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    document.title = screen ? `${t(screen.title)} · ${t('appName')}` : t('notFoundTitle');
    // Today says when it is drawn; any other first screen counts as drawn once it has rendered.
    if (path !== '/') markFirstScreenDrawn();
    // Moving focus to the new screen tells a screen-reader user that the page changed.
    if (!firstRender.current) mainRef.current?.focus();
    firstRender.current = false;
  }, [path, screen, t]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="app-header">
        <span className="app-name">{t('appName')}</span>
        <nav aria-label={t('navLabel')}>
          <ul className="nav-list">
            {nav.map((item) => (
              <li key={item.path}>
                <Link to={item.path} className="nav-link">
                  {t(item.title)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {/* The status row keeps its height from the first frame, so the sync bar arriving after
            Today is drawn moves nothing under a finger. */}
        <div className="status-row">
          {idle && (
            <Suspense fallback={null}>
              <SyncStatusBar link={Link} />
              <CodeClashAlert link={Link} />
            </Suspense>
          )}
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {screen ? (
          <Suspense fallback={<p className="loading">{t('loading')}</p>}>
            <screen.component />
          </Suspense>
        ) : (
          <NotFound />
        )}
      </main>
      {idle && (
        <Suspense fallback={null}>
          <UpdatePrompt />
        </Suspense>
      )}
    </>
  );
}

function NotFound() {
  const t = useUiMessages();
  return (
    <section className="panel">
      <h1>{t('notFoundTitle')}</h1>
      <p>{t('notFoundBody')}</p>
      <Link to="/" className="button">
        {t('backToToday')}
      </Link>
    </section>
  );
}
