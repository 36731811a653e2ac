import { useEffect, useEffectEvent, useId, useRef, useState } from 'react';
import { defineMessages } from '../i18n/define-messages';
import { openQrReader, PICTURE_MARK } from './qr-reader';
import './qr-scanner.css';

/**
 * Reading a QR code with the tablet's camera: the enrol screen's lead code, Today's child cards.
 * The picture is read by the browser's BarcodeDetector where it has one, otherwise by the
 * WebAssembly reader (qr-reader.ts), so every tablet with a camera can scan.
 */

export { canScanQr, useCanScanQr } from './can-scan-qr';

export const useQrScannerMessages = defineMessages({
  en: () => import('./qr-scanner-messages/en'),
  fr: () => import('./qr-scanner-messages/fr'),
  ar: () => import('./qr-scanner-messages/ar'),
  ckb: () => import('./qr-scanner-messages/ckb'),
  fa: () => import('./qr-scanner-messages/fa'),
});

type CameraProblem = 'denied' | 'noCamera' | 'failed' | 'noReader';

function cameraProblem(error: unknown): CameraProblem {
  // A DOMException, which is not an Error in every engine.
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'noCamera';
  return 'failed';
}

/** A look at the camera's picture every so often: often enough to feel instant, rare enough for a cheap tablet. */
const LOOK_EVERY_MS = 200;

/**
 * Looks in a row that saw a code but could not read it before the volunteer is told: one blurred
 * frame of a card being lifted into view is no reason to say anything.
 */
const UNREADABLE_LOOKS = 4;

type QrScannerProps = {
  /**
   * A QR code's text, as it is read: `true` when it was the one wanted (the camera stops), or
   * false to keep looking (the caller says why it was not, or wants the next one).
   */
  onRead: (text: string) => boolean;
  onStop: () => void;
  /** Said under the picture: why the last code read was not the one wanted. */
  note?: string | null;
  /** Said under the picture while it looks, in the screen's own words (what to hold up). */
  hint?: string;
};

/** The camera's picture and a Stop button, until a wanted code is read or the person stops. */
export function QrScanner({ onRead, onStop, note, hint }: QrScannerProps) {
  const m = useQrScannerMessages();
  const noteId = useId();
  const videoRef = useRef<HTMLVideoElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const [unreadable, setUnreadable] = useState(false);
  const read = useEffectEvent((text: string) => onRead(text));

  // The button that opened the scanner has gone: focus goes to the one that closes it.
  useEffect(() => stopRef.current?.focus(), []);

  useEffect(() => {
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
      // Fetched while the camera starts (and the permission is asked), not after.
      const reader = openQrReader().catch(() => null);
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
      performance.mark(PICTURE_MARK);
      const ready = await reader;
      if (stopped) return;
      if (!ready) {
        setProblem('noReader');
        return stopCamera();
      }
      let unreadableLooks = 0;
      const look = async () => {
        if (stopped) return;
        try {
          const seen = await ready.look(video);
          if (stopped) return;
          for (const text of seen.texts) {
            if (read(text)) return stopCamera();
          }
          unreadableLooks = seen.texts.length === 0 && seen.unreadable ? unreadableLooks + 1 : 0;
          setUnreadable(unreadableLooks >= UNREADABLE_LOOKS);
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

  const said = note ?? (unreadable ? m('unreadable') : (hint ?? m('looking')));
  return (
    <div className="qr-scanner">
      {problem ? (
        <p className="field-error" role="alert">
          {m(problem)}
        </p>
      ) : (
        <>
          <video ref={videoRef} className="qr-scanner-video" aria-label={m('cameraLabel')} aria-describedby={noteId} muted playsInline />
          <p id={noteId} className={note || unreadable ? 'field-error' : 'hint'} role="status">
            {said}
          </p>
        </>
      )}
      <button ref={stopRef} type="button" className="button" onClick={onStop}>
        {m('stop')}
      </button>
    </div>
  );
}
