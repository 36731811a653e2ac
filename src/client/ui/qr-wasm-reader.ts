import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
// Our own copy of the reader's WebAssembly, hashed and precached with the build: zxing-wasm
// would otherwise fetch it from a CDN, and the centre has no internet.
import readerWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { QrReader } from './qr-reader';

/**
 * The fallback QR reader: zxing-cpp compiled to WebAssembly (its reader only, no writer),
 * loaded with the first scan. Each look draws the video's current frame on a canvas and reads
 * its pixels.
 */

// One object for the life of the page: zxing-wasm compares the overrides it is given and would
// fetch and compile the module again for a new object.
const OVERRIDES = {
  locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? readerWasmUrl : prefix + path),
};

const OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  // A card is one code; looking for more costs a cheap tablet time on every look.
  maxNumberOfSymbols: 1,
  // A code found but not decoded comes back marked invalid, so the volunteer can be told.
  returnErrors: true,
};

/**
 * The longest side a look reads. A card held to a tablet fills much of its picture, and a
 * smaller frame is read several times faster on a cheap tablet's CPU.
 */
const MAX_SIDE = 640;

export async function openWasmQrReader(): Promise<QrReader> {
  // Compiled now, while the camera starts, rather than on the first look.
  await prepareZXingModule({ overrides: OVERRIDES, fireImmediately: true });
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('this browser cannot draw the camera’s picture');
  return {
    look: async (video) => {
      const { videoWidth: width, videoHeight: height } = video;
      // No frame yet: the camera is still starting.
      if (width === 0 || height === 0) return { texts: [], unreadable: false };
      const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      const results = await readBarcodes(context.getImageData(0, 0, canvas.width, canvas.height), OPTIONS);
      return {
        texts: results.filter((result) => result.isValid).map((result) => result.text),
        unreadable: results.some((result) => !result.isValid),
      };
    },
  };
}
