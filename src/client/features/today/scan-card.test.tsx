import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatCodeForReading, issueCode } from '../../../shared/codes';
import { centreDay } from '../../../shared/dates';
import { dayCloseId } from '../../../shared/ids';
import { writeRecord } from '../../db/core/write';
import { db } from '../../db/db';
import { registerChild } from '../../db/repositories/children';
import { enrolAs } from '../../db/testing';
import { I18nProvider, type Language } from '../../i18n/i18n';
import { DOUBLE_TAP_MS } from '../../ui/actions';
import { enrolLink } from '../../ui/enrol-link';
import { openWasmQrReader } from '../../ui/qr-wasm-reader';
import { HOLD_MS } from './scan/card-memory';
import { ScanCard } from './scan/scan-card';
import { TodayScreen } from './today-screen';

/**
 * Scanning a child's card on Today. Only the camera and the QR reader are stood in for (jsdom
 * has neither): getUserMedia, and the WebAssembly reader (or the browser's BarcodeDetector),
 * whose every look answers with what `camera.sees` holds, as a reader answers with the codes in
 * the frame. The database, the check-in path and the screen are the real ones.
 */

vi.mock('../../ui/qr-wasm-reader', () => ({ openWasmQrReader: vi.fn() }));

type Camera = { sees: string[]; unreadable: boolean; looks: number; stopped: ReturnType<typeof vi.fn> };

function fakeCamera(options: { refuse?: string; reader?: 'wasm' | 'barcode-detector' } = {}): Camera {
  const camera: Camera = { sees: [], unreadable: false, looks: 0, stopped: vi.fn() };
  const look = () => {
    camera.looks += 1;
    return { texts: [...camera.sees], unreadable: camera.unreadable };
  };
  if (options.reader === 'barcode-detector') {
    class FakeBarcodeDetector {
      static getSupportedFormats = () => Promise.resolve(['qr_code']);
      detect = () => Promise.resolve(look().texts.map((rawValue) => ({ rawValue })));
    }
    vi.stubGlobal('BarcodeDetector', FakeBarcodeDetector);
  }
  vi.mocked(openWasmQrReader).mockResolvedValue({ look: () => Promise.resolve(look()) });
  const getUserMedia = () => {
    if (options.refuse) return Promise.reject(new DOMException('refused', options.refuse));
    return Promise.resolve({ getTracks: () => [{ stop: camera.stopped }] });
  };
  Object.defineProperty(globalThis.navigator, 'mediaDevices', { configurable: true, value: { getUserMedia } });
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
  return camera;
}

/** Resolves once the camera has been looked at `count` more times: what it saw has been read. */
async function looksAfter(camera: Camera, count: number): Promise<void> {
  const from = camera.looks;
  await waitFor(() => expect(camera.looks).toBeGreaterThanOrEqual(from + count));
}

function renderToday(language: Language = 'en') {
  const user = userEvent.setup();
  render(
    <I18nProvider language={language}>
      <TodayScreen />
    </I18nProvider>,
  );
  return user;
}

const profile = { ageBand: '6-8', gender: 'girl', languages: [] } as const;
const presentList = () => screen.getByRole('region', { name: 'Children here now' });
const codeField = () => screen.getByRole('textbox', { name: 'Child code' });
const attendanceKinds = async () => (await db.attendance.toArray()).filter((event) => !event.deleted).map((event) => event.kind);

async function startScanning(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'Scan a card' }));
  // The button that opened the camera is gone: focus is on the one that closes it.
  await waitFor(() => expect(screen.getByRole('button', { name: 'Stop the camera' })).toHaveFocus());
}

beforeEach(async () => {
  // Only the date, which the double-tap guard and the scanner's memory read: the camera's looks
  // run on real timers, so a test waits for them as it would for the screen.
  vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 24, 11, 0, 0) });
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.mocked(openWasmQrReader).mockReset();
  Reflect.deleteProperty(globalThis.navigator, 'mediaDevices');
});

describe('Today: scanning a child’s card', () => {
  it('checks the child in with one scan, takes the card held in view as that one scan, and checks them out when shown again', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const camera = fakeCamera();
    const user = renderToday();
    await startScanning(user);
    // No BarcodeDetector in this browser: the WebAssembly reader reads the picture.
    expect(openWasmQrReader).toHaveBeenCalledTimes(1);

    camera.sees = [code];
    expect(await screen.findByText(`${formatCodeForReading(code)} checked in`)).toBeInTheDocument();
    expect(await within(presentList()).findByRole('button', { name: /Check out\s*4173 K/ })).toBeInTheDocument();

    // Still held up two seconds later: past a double tap, so only the scanner's memory holds it.
    vi.setSystemTime(Date.now() + DOUBLE_TAP_MS * 2);
    await looksAfter(camera, 3);
    camera.sees = [];
    await looksAfter(camera, 1);
    expect(await attendanceKinds()).toEqual(['in']);
    expect(screen.getByText(`${formatCodeForReading(code)} checked in`)).toBeInTheDocument();

    // Lowered, and shown again once the memory has let it go: a second scan, as a second tap.
    vi.setSystemTime(Date.now() + HOLD_MS);
    camera.sees = [code];
    expect(await screen.findByText(`${formatCodeForReading(code)} checked out`)).toBeInTheDocument();
    expect(await within(presentList()).findByText('No children checked in yet.')).toBeInTheDocument();
    camera.sees = [];
    await looksAfter(camera, 2);
    expect(await attendanceKinds()).toEqual(['in', 'out']);
    // The camera stays on for the next child in the queue.
    expect(camera.stopped).not.toHaveBeenCalled();
  });

  it('offers Undo for a scan, as for a tap', async () => {
    const code = issueCode('K', 5280);
    await registerChild(db, code, profile);
    const camera = fakeCamera();
    const user = renderToday();
    await startScanning(user);
    camera.sees = [code];
    expect(await screen.findByText(`${formatCodeForReading(code)} checked in`)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByText('Undone')).toBeInTheDocument();
    expect(await within(presentList()).findByText('No children checked in yet.')).toBeInTheDocument();
    expect(await attendanceKinds()).toEqual([]);
  });

  it('uses the browser’s BarcodeDetector where it reads QR codes, without fetching the WebAssembly reader', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const camera = fakeCamera({ reader: 'barcode-detector' });
    const user = renderToday();
    await startScanning(user);
    camera.sees = [code];
    expect(await screen.findByText(`${formatCodeForReading(code)} checked in`)).toBeInTheDocument();
    expect(openWasmQrReader).not.toHaveBeenCalled();
  });

  it('offers registration for a card the tablet does not know, and turns the camera off', async () => {
    const code = issueCode('K', 6391);
    const camera = fakeCamera();
    const user = renderToday();
    await startScanning(user);
    camera.sees = [code];
    const form = await screen.findByRole('form', { name: 'Register a child' });
    expect(within(form).getByText(`Code ${formatCodeForReading(code)} is not registered yet.`)).toBeInTheDocument();
    await waitFor(() => expect(camera.stopped).toHaveBeenCalled());
    expect(await db.children.count()).toBe(0);
  });

  it('says a QR code that is not a child’s card is not one, and keeps looking', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const camera = fakeCamera();
    const user = renderToday();
    await startScanning(user);
    camera.sees = [enrolLink('https://daybook.test', '7K4M-2QXP')];
    expect(await screen.findByText('That QR code is not a child’s card. Scan the card, or type the code printed on it.')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Register a child' })).not.toBeInTheDocument();

    camera.sees = [code];
    expect(await screen.findByText(`${formatCodeForReading(code)} checked in`)).toBeInTheDocument();
    expect(screen.queryByText(/not a child’s card/)).not.toBeInTheDocument();
  });

  it('says so when a code is in view but cannot be read, until it can', async () => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    const camera = fakeCamera();
    const user = renderToday();
    await startScanning(user);
    camera.unreadable = true;
    expect(await screen.findByText('A QR code is in view but cannot be read. Hold it still and flat, in good light, or type the code.')).toBeInTheDocument();

    camera.unreadable = false;
    camera.sees = [code];
    expect(await screen.findByText(`${formatCodeForReading(code)} checked in`)).toBeInTheDocument();
    expect(screen.getByText('Hold the child’s card in front of the camera.')).toBeInTheDocument();
  });

  it.each([
    ['NotAllowedError', 'This tablet may not use its camera here. Allow the camera for Daybook in the browser’s settings, or type the code.'],
    ['NotFoundError', 'This tablet has no camera that Daybook can use. Type the code instead.'],
  ])('says so plainly when the camera answers %s, and the keypad still checks the child in', async (refusal, sentence) => {
    const code = issueCode('K', 4173);
    await registerChild(db, code, profile);
    fakeCamera({ refuse: refusal });
    const user = renderToday();
    await startScanning(user);
    expect(await screen.findByRole('alert')).toHaveTextContent(sentence);

    await user.click(screen.getByRole('button', { name: 'Stop the camera' }));
    expect(codeField()).toHaveFocus();
    await user.type(codeField(), code);
    await user.click(screen.getByRole('button', { name: 'Check in or out' }));
    expect(await screen.findByText(`${formatCodeForReading(code)} checked in`)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Scan a card' })).toBeInTheDocument();
  });

  it('says so when the reader cannot be fetched (offline before the tablet ever kept it)', async () => {
    const camera = fakeCamera();
    vi.mocked(openWasmQrReader).mockRejectedValue(new TypeError('Failed to fetch dynamically imported module'));
    const user = renderToday();
    await startScanning(user);
    expect(await screen.findByRole('alert')).toHaveTextContent('The QR code reader could not load. Type the code instead.');
    await waitFor(() => expect(camera.stopped).toHaveBeenCalled());
  });

  it('keeps the keypad below the camera, and Stop turns the camera off and returns to the code field', async () => {
    const camera = fakeCamera();
    const user = renderToday();
    await startScanning(user);
    expect(await screen.findByLabelText('What the camera sees')).toBeInTheDocument();
    const keypad = screen.getByRole('group', { name: 'Keypad' });
    await user.click(within(keypad).getByRole('button', { name: '4' }));
    expect(codeField()).toHaveValue('4');

    await user.click(screen.getByRole('button', { name: 'Stop the camera' }));
    expect(camera.stopped).toHaveBeenCalled();
    expect(screen.queryByLabelText('What the camera sees')).not.toBeInTheDocument();
    expect(codeField()).toHaveFocus();
    expect(codeField()).toHaveValue('4');
  });

  it('speaks French on a French tablet', async () => {
    fakeCamera({ refuse: 'NotAllowedError' });
    const user = renderToday('fr');
    await user.click(await screen.findByRole('button', { name: 'Scanner une carte' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Cette tablette n’a pas le droit d’utiliser son appareil photo ici.');
    expect(screen.getByRole('region', { name: 'Scanner la carte d’un enfant' })).toBeInTheDocument();
  });

  it('turns the camera off when the day turns read-only on this tablet (closed, on a volunteer’s tablet)', async () => {
    const camera = fakeCamera();
    await enrolAs(db, 'volunteer');
    const user = renderToday();
    await startScanning(user);
    const day = centreDay(Date.now(), 'Europe/Paris');
    await writeRecord(db, 'dayCloses', dayCloseId(day), { day, closedAt: Date.now(), closedBy: 'v1', notes: '' }, { create: true });
    expect(await screen.findByText('This day is closed. Only a lead can change it.')).toBeInTheDocument();
    await waitFor(() => expect(camera.stopped).toHaveBeenCalled());
    expect(screen.queryByLabelText('What the camera sees')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Scan a card' })).not.toBeInTheDocument();
  });

  it('offers no camera button on a browser with no camera API', () => {
    const { container } = render(
      <I18nProvider language="en">
        <ScanCard onSubmitCode={() => Promise.resolve(null)} onClose={() => undefined} />
      </I18nProvider>,
    );
    expect(container).toBeEmptyDOMElement();
  });
});
