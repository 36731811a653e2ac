import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { useTodayMessages } from './features/today/messages';
import { applyDocumentLanguage, I18nProvider, initialLanguage } from './i18n/i18n';
import { loadLocaleData } from './i18n/locale';
import { useUiMessages } from './ui/messages';
import { afterFirstScreen } from './ui/first-screen';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// The first screen's sentences in the tablet's language (a chunk of their own, fetched alongside
// this one's code), so nothing is drawn in the wrong language or direction, even for a frame.
const language = initialLanguage();
applyDocumentLanguage(language);
void Promise.all([useUiMessages.preload(language), useTodayMessages.preload(language), loadLocaleData(language)]).finally(() =>
  createRoot(root).render(
    <StrictMode>
      <I18nProvider language={language}>
        <App />
      </I18nProvider>
    </StrictMode>,
  ),
);

// After the first screen is drawn, when the tablet has a moment: the service worker (production builds
// only; in development it would cache stale code), the sync loop, once, outside React (Web Locks
// keep it to one tab per device), and retention. None is needed to draw the first screen.
afterFirstScreen(() => {
  // Developers' error messages (a refused write's detail, an unexpected server answer) in English.
  void import('../shared/schema/english-issues').then(({ speakEnglishIssues }) => speakEnglishIssues());
  if (import.meta.env.PROD) void import('./pwa/register').then(({ registerServiceWorker }) => registerServiceWorker());
  void import('./sync/runtime').then(({ startSync }) => startSync());
  // Old records go by themselves, on start and once a day (sync-protocol.md, Retention).
  void import('./app/retention').then(({ startRetention }) => startRetention());
  // Registration's code, whatever screen the app opened on: a tablet that goes offline next can
  // still register a child (a first visit is not yet served by the service worker).
  void import('./features/today/use-registration-form').then(({ loadRegistrationForm }) => loadRegistrationForm()).catch(() => undefined);
});
