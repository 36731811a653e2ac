import { render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/db';
import { I18nProvider } from '../../i18n/i18n';
import { TodayScreen } from './today-screen';

/**
 * The scanner's own code could not be fetched: a tablet offline on its very first visit, before
 * the service worker kept the app. Its own file, since the failed fetch stands in for the module.
 */

const fetched = vi.hoisted(() => vi.fn());
vi.mock('./scan/scan-card', () => {
  fetched();
  return Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
});

beforeEach(async () => {
  await db.delete();
  await db.open();
});

describe('Today: the scanner could not be fetched', () => {
  it('offers no camera button, and the keypad works as ever', async () => {
    Object.defineProperty(globalThis.navigator, 'mediaDevices', { configurable: true, value: { getUserMedia: vi.fn() } });
    try {
      render(
        <I18nProvider language="en">
          <TodayScreen />
        </I18nProvider>,
      );
      // Today asked for the scanner once its first screen was drawn, and was refused.
      await waitFor(() => expect(fetched).toHaveBeenCalled());
      await new Promise((resolve) => setTimeout(resolve));
      expect(screen.queryByRole('button', { name: 'Scan a card' })).not.toBeInTheDocument();
      expect(screen.getByRole('textbox', { name: 'Child code' })).toBeEnabled();
      expect(screen.getByRole('button', { name: 'Check in or out' })).toBeEnabled();
    } finally {
      Reflect.deleteProperty(globalThis.navigator, 'mediaDevices');
    }
  });
});
