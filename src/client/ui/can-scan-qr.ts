/**
 * Whether this tablet can scan a QR code with its camera: it has a camera API. Every browser that
 * runs Daybook can then read the picture, with its own BarcodeDetector or with the WebAssembly
 * reader qr-reader.ts falls back to. Whether a camera is there and allowed is said when scanning
 * starts (qr-scanner.tsx). Kept apart from the scanner, and this small, because Today's first
 * load carries it: the button is offered without loading the scanner.
 */
export function canScanQr(): boolean {
  return typeof globalThis.navigator?.mediaDevices?.getUserMedia == 'function';
}

/** `canScanQr` for a component: the answer never changes while the page lives. */
export const useCanScanQr = canScanQr;
