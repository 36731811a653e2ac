import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { db } from '../../db/db';
import { I18nProvider } from '../../i18n/i18n';
import { enrolLink } from '../../ui/enrol-link';
import { openWasmQrReader } from '../../ui/qr-wasm-reader';
import { EnrolScreen } from './enrol-screen';

/**
 * Enrolling by scanning the lead's QR code. The camera and the browser's BarcodeDetector are
 * stubbed (jsdom has neither): the stub answers each look with what `camera.sees` holds, as
 * Chrome's detector answers with the codes in the frame. So is the network (fetch).
 */

// The WebAssembly reader of browsers whose BarcodeDetector knows no QR codes, stood in for likewise.
vi.mock('../../ui/qr-wasm-reader', () => ({ openWasmQrReader: vi.fn() }));

const LINK = enrolLink('https://daybook.test', '7K4M-2QXP');

function cameraAndDetector(options: { refuse?: string; formats?: string[] } = {}) {
  const camera = { sees: [] as string[], stopped: vi.fn(), asked: vi.fn() };
  class FakeBarcodeDetector {
    static getSupportedFormats = () => Promise.resolve(options.formats ?? ['ean_13', 'qr_code']);
    detect = () => Promise.resolve(camera.sees.map((rawValue) => ({ rawValue })));
  }
  vi.stubGlobal('BarcodeDetector', FakeBarcodeDetector);
  vi.mocked(openWasmQrReader).mockResolvedValue({ look: () => Promise.resolve({ texts: [...camera.sees], unreadable: false }) });
  const getUserMedia = (constraints: MediaStreamConstraints) => {
    camera.asked(constraints);
    if (options.refuse) return Promise.reject(new DOMException('refused', options.refuse));
    return Promise.resolve({ getTracks: () => [{ stop: camera.stopped }] });
  };
  Object.defineProperty(globalThis.navigator, 'mediaDevices', { configurable: true, value: { getUserMedia } });
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
  return camera;
}

function renderEnrol() {
  const user = userEvent.setup();
  render(
    <I18nProvider language="en">
      <main>
        <EnrolScreen />
      </main>
    </I18nProvider>,
  );
  return user;
}

const form = () => screen.findByRole('form', { name: 'Enrol this tablet' });

beforeEach(async () => {
  globalThis.history.replaceState(null, '', '/enrol');
  await db.delete();
  await db.open();
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.mocked(openWasmQrReader).mockReset();
  Reflect.deleteProperty(globalThis.navigator, 'mediaDevices');
});

describe('Enrolment by scanning the lead’s QR code', () => {
  it('fills in the server and code from the QR code the camera reads, past another code, and turns the camera off', async () => {
    const camera = cameraAndDetector();
    const fetch = vi.fn<typeof globalThis.fetch>(() =>
      Promise.resolve(new Response(JSON.stringify({ deviceId: 'd-1', token: 't', role: 'volunteer', centre: { id: 'c', name: 'Dunkirk play centre', timeZone: 'Europe/Paris' } }), { status: 201 })),
    );
    vi.stubGlobal('fetch', fetch);
    const user = renderEnrol();
    await user.click(await within(await form()).findByRole('button', { name: 'Scan the lead’s QR code' }));
    expect(camera.asked).toHaveBeenCalledWith({ video: { facingMode: 'environment' }, audio: false });

    // A child's card first: not an enrolment code, so the camera keeps looking.
    camera.sees = ['4173KL'];
    expect(await screen.findByText('That QR code is not a Daybook enrolment code. Scan the one on the lead’s screen.')).toBeInTheDocument();
    expect(camera.stopped).not.toHaveBeenCalled();

    camera.sees = [LINK];
    expect(await screen.findByText('Code read. Give this tablet a name, then tap Enrol.')).toBeInTheDocument();
    const fields = await form();
    expect(within(fields).getByRole('textbox', { name: 'Server address' })).toHaveValue('https://daybook.test');
    expect(within(fields).getByRole('textbox', { name: 'Enrolment code' })).toHaveValue('7K4M-2QXP');
    expect(within(fields).getByRole('textbox', { name: 'Name of this tablet' })).toHaveFocus();
    expect(camera.stopped).toHaveBeenCalled();
    expect(screen.queryByLabelText('What the camera sees')).not.toBeInTheDocument();

    await user.type(within(fields).getByRole('textbox', { name: 'Name of this tablet' }), 'Playroom 2');
    await user.click(within(fields).getByRole('button', { name: 'Enrol' }));
    expect(await screen.findByText(/now connected to Dunkirk play centre as a volunteer tablet/)).toBeInTheDocument();
    expect(fetch.mock.calls[0]![0]).toBe('https://daybook.test/api/v1/enrol');
    expect(JSON.parse(fetch.mock.calls[0]![1]!.body as string)).toEqual({ code: '7K4M-2QXP', deviceName: 'Playroom 2' });
  });

  it('turns the camera off when the person stops it', async () => {
    const camera = cameraAndDetector();
    const user = renderEnrol();
    await user.click(await within(await form()).findByRole('button', { name: 'Scan the lead’s QR code' }));
    expect(await screen.findByText('Hold the QR code in front of the camera.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Stop the camera' }));
    expect(camera.stopped).toHaveBeenCalled();
    expect(await within(await form()).findByRole('button', { name: 'Scan the lead’s QR code' })).toBeInTheDocument();
  });

  it.each([
    ['NotAllowedError', 'This tablet may not use its camera here. Allow the camera for Daybook in the browser’s settings, or type the code.'],
    ['NotFoundError', 'This tablet has no camera that Daybook can use. Type the code instead.'],
  ])('says so plainly when the camera answers %s, and the form stays', async (refusal, sentence) => {
    cameraAndDetector({ refuse: refusal });
    const user = renderEnrol();
    await user.click(await within(await form()).findByRole('button', { name: 'Scan the lead’s QR code' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(sentence);
    expect(within(await form()).getByRole('textbox', { name: 'Enrolment code' })).toBeEnabled();
  });

  it('reads the QR code with the WebAssembly reader where the browser’s BarcodeDetector knows none', async () => {
    // Chrome on a desktop has the class, but no formats.
    const camera = cameraAndDetector({ formats: [] });
    const user = renderEnrol();
    await user.click(await within(await form()).findByRole('button', { name: 'Scan the lead’s QR code' }));
    camera.sees = [LINK];
    expect(await screen.findByText('Code read. Give this tablet a name, then tap Enrol.')).toBeInTheDocument();
    expect(within(await form()).getByRole('textbox', { name: 'Enrolment code' })).toHaveValue('7K4M-2QXP');
    expect(openWasmQrReader).toHaveBeenCalledTimes(1);
  });

  it('offers no camera button where the browser has no camera API, and points to the camera app instead', async () => {
    renderEnrol();
    expect(await within(await form()).findByText(/Scan it with this tablet’s camera app: the link it opens fills in this form\./)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Scan the lead’s QR code' })).not.toBeInTheDocument();
  });
});
