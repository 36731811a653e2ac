import type en from './en';

/** French. */
export default {
  lockedTitle: 'Code PIN de la personne responsable',
  lockedHint: 'Cette tablette n’a pas servi depuis un moment. La personne responsable tape son code PIN pour continuer.',
  pinLabel: 'Code PIN',
  unlock: 'Déverrouiller',
  wrongPin: 'Ce code PIN n’est pas le bon.',
  waitPin: 'Trop de codes faux. Attendez une minute, puis réessayez.',
  forgotPin: 'Code PIN oublié ? Connectez à nouveau cette tablette au serveur avec un code de responsable : cela le retire.',
} satisfies Record<keyof typeof en, string>;
