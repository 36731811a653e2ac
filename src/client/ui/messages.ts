import { defineMessages } from '../i18n/define-messages';

/**
 * The sentences every screen's confirmations share, once each in each language. Why a write was
 * refused is in problem-sentences.ts, fetched when a refusal first happens (it is rare, and
 * Today's first load has a budget).
 */
export const useActionMessages = defineMessages({
  en: {
    undo: 'Undo',
    undone: 'Undone',
    dismiss: 'Close',
    failed: 'That was not saved. Try again; if it keeps happening, tell the centre lead.',
  },
  fr: {
    undo: 'Annuler',
    undone: 'Annulé',
    dismiss: 'Fermer',
    failed: 'Ce n’est pas enregistré. Réessayez ; si cela continue, prévenez la personne responsable.',
  },
});
