import type { WriteProblem } from '../db/core/write';
import { defineMessages } from '../i18n/define-messages';
import type { Language } from '../i18n/i18n';

/**
 * Why a repository refused a write, as a sentence in the tablet's language (product.md: a
 * volunteer never reads a developer's message). Fetched when a refusal first happens: it is rare,
 * and Today's first load has a budget.
 */
export const useProblemMessages = defineMessages({
  en: () => import('./problem-messages/en'),
  fr: () => import('./problem-messages/fr'),
  ar: () => import('./problem-messages/ar'),
  ckb: () => import('./problem-messages/ckb'),
  fa: () => import('./problem-messages/fa'),
});

export async function problemSentence(problem: WriteProblem, language: Language): Promise<string> {
  return (await useProblemMessages.preload(language))(problem);
}
