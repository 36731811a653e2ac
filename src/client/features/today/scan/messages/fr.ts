import type en from './en';

/** French. */
export default {
  title: 'Scanner la carte d’un enfant',
  looking: 'Tenez la carte de l’enfant devant l’appareil photo.',
  notACard: 'Ce QR code n’est pas une carte d’enfant. Scannez la carte, ou tapez le code imprimé dessus.',
  scan: 'Scanner une carte',
} satisfies Record<keyof typeof en, string>;
