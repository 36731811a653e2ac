import { en } from 'zod/locales';
import { z } from './common';

/**
 * zod/mini ships no messages: this gives its issues English ones ("Too big: expected string to
 * have <=500 characters"), which the server's 400s and the developers' errors quote. The server
 * calls it on start; the tablet after its first screen, since a volunteer never reads these (the
 * tablet says why in its own language) and they would cost Today's first load 1.1 KB.
 */
export function speakEnglishIssues(): void {
  z.config(en());
}
