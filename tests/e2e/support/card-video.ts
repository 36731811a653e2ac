import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'uqr';

/**
 * What a tablet's camera sees when a child holds up their card: a white card on a grey table,
 * the card's QR code (its text the child's code, error correction M and a quiet zone of four
 * modules, as the cards are printed) scaled up in the middle of it. Written as a Y4M video
 * (planar 4:2:0), which Chromium plays, looping, as its fake camera with
 * `--use-file-for-fake-video-capture`. Made by the test, so no binary sits in the repository.
 */

const WIDTH = 640;
const HEIGHT = 480;
/** Camera pixels per QR module: a 21-module code held about 25 cm from a tablet's camera. */
const PIXELS_PER_MODULE = 8;
const FRAMES = 5;

// Video levels (BT.601 limited range), as a camera gives them.
const INK = 16;
const PAPER = 235;
const TABLE = 120;
const NO_COLOUR = 128;

/** The luma plane of one frame showing `text` as a card's QR code. */
function cardPicture(text: string): Uint8Array {
  const modules = encode(text, { ecc: 'M', border: 4 }).data;
  const side = modules.length * PIXELS_PER_MODULE;
  const luma = new Uint8Array(WIDTH * HEIGHT).fill(TABLE);
  // The card: a margin of white beyond the code's own quiet zone, as a printed card has.
  const card = { left: (WIDTH - side) / 2 - 24, top: (HEIGHT - side) / 2 - 24, width: side + 48, height: side + 48 };
  for (let y = card.top; y < card.top + card.height; y++) luma.fill(PAPER, y * WIDTH + card.left, y * WIDTH + card.left + card.width);
  const left = (WIDTH - side) / 2;
  const top = (HEIGHT - side) / 2;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (modules[Math.floor(y / PIXELS_PER_MODULE)]![Math.floor(x / PIXELS_PER_MODULE)]) luma[(top + y) * WIDTH + left + x] = INK;
    }
  }
  return luma;
}

/** A few frames of a card showing `text`, as a .y4m file in a new temporary folder; its path. */
export async function cardVideo(text: string): Promise<string> {
  const luma = cardPicture(text);
  const chroma = new Uint8Array((WIDTH / 2) * (HEIGHT / 2)).fill(NO_COLOUR);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  const file = join(await mkdtemp(join(tmpdir(), 'daybook-card-')), 'card.y4m');
  await writeFile(file, Buffer.concat([header, ...Array.from({ length: FRAMES }, () => frame)]));
  return file;
}

/** Chromium's flags for a fake camera that shows `video`, its permission granted as if tapped. */
export function fakeCameraArgs(video: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`];
}
