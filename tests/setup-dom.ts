import 'fake-indexeddb/auto';
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { preloadDefinedMessages } from '../src/client/i18n/define-messages';
import { speakEnglishIssues } from '../src/shared/schema/english-issues';

// findBy and waitFor wait for what the user would see; on a machine whose cores are busy with
// something else, a screen that reads several live queries can take more than the default second
// to show it. A longer ceiling changes nothing when all is well (they return as soon as it shows).
configure({ asyncUtilTimeout: 5000 });

// As the tablet does once its first screen is drawn (main.tsx).
speakEnglishIssues();

// Each language's sentences are a lazy chunk in the app; a test's screens find theirs loaded, as
// the app's first screen does (main.tsx), instead of suspending on their first render.
beforeEach(() => preloadDefinedMessages());

afterEach(() => {
  cleanup();
});
