import type { Page } from 'playwright-core';
import { mintEnrolmentCode, type Centre } from '../../../src/server/store/accounts';
import { formatCodeForReading } from '../../../src/shared/codes';
import type { Role } from '../../../src/shared/schema';
import type { RunningServer } from './harness';

/**
 * The steps a person takes on a tablet that most end-to-end tests need, written once: enrolling
 * it with a fresh code, and registering a child and checking them in from Today.
 */

/**
 * Enrols the tablet with a new code of `role` for `centre`, through the link a QR code would
 * carry (the server address and the code, prefilled), waits for the screen to say it is
 * connected, and goes back to Today.
 */
export async function enrolTablet(page: Page, server: RunningServer, options: { centre: Centre; name: string; role?: Role }): Promise<void> {
  const { code } = await mintEnrolmentCode(server.store, { centreId: options.centre.id, role: options.role ?? 'lead', now: Date.now() });
  await page.goto(`${server.url}/enrol?server=${encodeURIComponent(server.url)}&code=${encodeURIComponent(code)}`);
  await page.getByRole('textbox', { name: 'Name of this tablet' }).fill(options.name);
  await page.getByRole('button', { name: 'Enrol' }).click();
  await page.getByText(`This tablet is now connected to ${options.centre.name}`, { exact: false }).waitFor();
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Today' }).click();
}

/** On Today: a code the tablet does not know, registered (6-8, girl) and checked in at once. */
export async function registerAndCheckIn(page: Page, code: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Child code' }).fill(code);
  await page.getByRole('button', { name: 'Check in or out' }).click();
  const form = page.getByRole('form', { name: 'Register a child' });
  await form.getByRole('radio', { name: '6-8' }).check();
  await form.getByRole('radio', { name: 'Girl' }).check();
  await form.getByRole('button', { name: 'Register and check in' }).click();
  await page.getByText(`${formatCodeForReading(code)} registered and checked in`).waitFor();
}

/**
 * Some content on every screen, for the layout tests: the children of `codes` checked in, Amira
 * on duty and an Art session running. On a tablet on its own (its own lead), in English.
 */
export async function seedADay(page: Page, codes: readonly string[]): Promise<void> {
  for (const code of codes) await registerAndCheckIn(page, code);
  await page.getByRole('link', { name: 'Shifts' }).click();
  await page.getByRole('textbox', { name: 'First name or nickname' }).fill('Amira');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('button', { name: 'Sign on Amira' }).click();
  await page.getByRole('link', { name: 'Sessions' }).click();
  await page.getByRole('button', { name: 'Start a session' }).click();
  await page.getByRole('button', { name: 'Start Art' }).click();
  await page.getByText('Art started').waitFor();
}
