import { useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import { defineMessages } from '../i18n/define-messages';
import './qr-scanner.css';

/**
 * Reading a QR code with the tablet's camera, through the browser's own BarcodeDetector (Chrome
 * on Android and ChromeOS, Safari on recent iPads) where it has one. Where it has none, nothing
 * here shows: the tablet's camera app reads the code instead and opens the link it carries.
 */

export const useQrScannerMessages = defineMessages({
  en: {
    cameraLabel: 'What the camera sees',
    looking: 'Hold the QR code in front of the camera.',
    stop: 'Stop the camera',
    denied: 'This tablet may not use its camera here. Allow the camera for Daybook in the browser’s settings, or type the code.',
    noCamera: 'This tablet has no camera that Daybook can use. Type the code instead.',
    failed: 'The camera could not start. Type the code instead.',
  },
  fr: {
    cameraLabel: 'Ce que voit l’appareil photo',
    looking: 'Tenez le QR code devant l’appareil photo.',
    stop: 'Arrêter l’appareil photo',
    denied: 'Cette tablette n’a pas le droit d’utiliser son appareil photo ici. Autorisez-le pour Daybook dans les réglages du navigateur, ou tapez le code.',
    noCamera: 'Cette tablette n’a pas d’appareil photo utilisable par Daybook. Tapez plutôt le code.',
    failed: 'L’appareil photo n’a pas pu démarrer. Tapez plutôt le code.',
  },
});

/** The part of the Barcode Detection API used here (not yet in TypeScript's DOM types). */
type BarcodeDetectorLike = { detect: (source: HTMLVideoElement) => Promise<{ rawValue: string }[]> };
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?: () => Promise<string[]>;
};

function barcodeDetector(): BarcodeDetectorClass | undefined {
  return (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
}

/**
 * Whether this browser can read a QR code from the camera: a BarcodeDetector that knows QR codes
 * and a camera API. Chrome on Linux and Windows has the class but no formats, so they are asked.
 */
export async function canScanQr(): Promise<boolean> {
  const Detector = barcodeDetector();
  if (!Detector || !globalThis.navigator?.mediaDevices?.getUserMedia) return false;
  try {
    return (await Detector.getSupportedFormats?.())?.includes('qr_code') ?? true;
  } catch {
    return false;
  }
}

/** Whether to offer scanning: false until the browser has said, so no button comes and goes. */
export function useCanScanQr(): boolean {
  const [can, setCan] = useState(false);
  useEffect(() => {
    let live = true;
    void canScanQr().then((answer) => {
      if (live) setCan(answer);
    });
    return () => {
      live = false;
    };
  }, []);
  return can;
}

type CameraProblem = 'denied' | 'noCamera' | 'failed';

function cameraProblem(error: unknown): CameraProblem {
  // A DOMException, which is not an Error in every engine.
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'noCamera';
  return 'failed';
}

/** A look at the camera's picture every so often: often enough to feel instant, rare enough for a cheap tablet. */
const LOOK_EVERY_MS = 200;

type QrScannerProps = {
  /**
   * A QR code's text, as it is read: `true` when it was the one wanted (the camera stops), or
   * false to keep looking (the caller says why it was not).
   */
  onRead: (text: string) => boolean;
  onStop: () => void;
  /** Said under the picture: why the last code read was not the one wanted. */
  note?: string | null;
};

/** The camera's picture and a Stop button, until a wanted code is read or the person stops. */
export function QrScanner({ onRead, onStop, note }: QrScannerProps) {
  const m = useQrScannerMessages();
  const noteId = useId();
  const videoRef = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const read = useEffectEvent((text: string) => onRead(text));

  useEffect(() => {
    const Detector = barcodeDetector();
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopCamera = () => {
      stopped = true;
      clearTimeout(timer);
      // The camera's light goes off the moment it is not needed.
      stream?.getTracks().forEach((track) => track.stop());
    };

    const start = async () => {
      if (!Detector) return setProblem('failed');
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch (error) {
        if (!stopped) setProblem(cameraProblem(error));
        return;
      }
      const video = videoRef.current;
      if (stopped || !video) return stopCamera();
      video.srcObject = stream;
      // Autoplay of a muted inline video is allowed; a refusal still leaves frames to read.
      await video.play()?.catch(() => undefined);
      const detector = new Detector({ formats: ['qr_code'] });
      const look = async () => {
        if (stopped) return;
        try {
          for (const code of await detector.detect(video)) {
            if (read(code.rawValue)) return stopCamera();
          }
        } catch {
          // A frame not ready yet (the video still starting): the next look reads the next one.
        }
        if (!stopped) timer = setTimeout(() => void look(), LOOK_EVERY_MS);
      };
      await look();
    };

    void start();
    return stopCamera;
  }, []);

  return (
    <div className="qr-scanner">
      {problem ? (
        <p className="field-error" role="alert">
          {m(problem)}
        </p>
      ) : (
        <>
          <video ref={videoRef} className="qr-scanner-video" aria-label={m('cameraLabel')} aria-describedby={noteId} muted playsInline />
          <p id={noteId} className={note ? 'field-error' : 'hint'} role="status">
            {note ?? m('looking')}
          </p>
        </>
      )}
      <button type="button" className="button" onClick={onStop}>
        {m('stop')}
      </button>
    </div>
  );
}
