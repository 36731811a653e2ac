import 'fake-indexeddb/auto';
import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// findBy and waitFor wait for what the user would see; on a machine whose cores are busy with
// something else, a screen that reads several live queries can take more than the default second
// to show it. A longer ceiling changes nothing when all is well (they return as soon as it shows).
configure({ asyncUtilTimeout: 5000 });

afterEach(() => {
  cleanup();
});
