import type en from './en';

/** French. */
export default {
  cameraLabel: 'Ce que voit l’appareil photo',
  looking: 'Tenez le QR code devant l’appareil photo.',
  stop: 'Arrêter l’appareil photo',
  denied: 'Cette tablette n’a pas le droit d’utiliser son appareil photo ici. Autorisez-le pour Daybook dans les réglages du navigateur, ou tapez le code.',
  noCamera: 'Cette tablette n’a pas d’appareil photo utilisable par Daybook. Tapez plutôt le code.',
  failed: 'L’appareil photo n’a pas pu démarrer. Tapez plutôt le code.',
  noReader: 'Le lecteur de QR code n’a pas pu se charger. Tapez plutôt le code.',
  unreadable: 'Un QR code est visible mais ne peut pas être lu. Tenez-le immobile et à plat, bien éclairé, ou tapez le code.',
} satisfies Record<keyof typeof en, string>;
