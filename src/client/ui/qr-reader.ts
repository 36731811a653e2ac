/**
 * Reading QR codes off the camera's picture, one look at a time. The browser's own
 * BarcodeDetector where it knows QR codes (Chrome on Android and ChromeOS, Safari on recent
 * iPads); elsewhere (Chrome on Linux and Windows, Firefox) zxing-wasm's reader, fetched on the
 * first scan from this server (the service worker keeps it, so it works offline).
 */

/** Marked when the camera's picture first shows (qr-scanner.tsx): the scan benchmark times from it. */
export const PICTURE_MARK = 'daybook:scan-picture';

/** What one look at the picture found: the texts read, and whether a code was seen but not read. */
export type QrLook = { texts: string[]; unreadable: boolean };

export type QrReader = { look: (video: HTMLVideoElement) => Promise<QrLook> };

/** The part of the Barcode Detection API used here (not yet in TypeScript's DOM types). */
type BarcodeDetectorLike = { detect: (source: HTMLVideoElement) => Promise<{ rawValue: string }[]> };
type BarcodeDetectorClass = {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats?: () => Promise<string[]>;
};

async function nativeReader(): Promise<QrReader | null> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    // Chrome on Linux and Windows has the class but knows no formats: as good as none.
    if (!((await Detector.getSupportedFormats?.())?.includes('qr_code') ?? true)) return null;
  } catch {
    return null;
  }
  const detector = new Detector({ formats: ['qr_code'] });
  return { look: async (video) => ({ texts: (await detector.detect(video)).map((code) => code.rawValue), unreadable: false }) };
}

/** The reader this browser has; rejects when the fallback could not be fetched (offline before it was ever kept). */
export async function openQrReader(): Promise<QrReader> {
  return (await nativeReader()) ?? (await import('./qr-wasm-reader')).openWasmQrReader();
}
