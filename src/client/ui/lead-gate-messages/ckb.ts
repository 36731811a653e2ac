import type en from './en';

/** Central Kurdish (Sorani). */
export default {
  lockedTitle: 'PINی بەرپرس',
  lockedHint: 'ماوەیەکە ئەم تابلێتە بەکارنەهاتووە. بەرپرس PINەکەی دەنووسێت بۆ بەردەوامبوون.',
  pinLabel: 'PIN',
  unlock: 'کردنەوە',
  wrongPin: 'ئەو PINە دروست نییە.',
  waitPin: 'PINی هەڵە زۆر نووسرا. خولەکێک چاوەڕێ بکە، پاشان دووبارە هەوڵ بدەرەوە.',
  forgotPin: 'PINەکەت لەبیر چووە؟ ئەم تابلێتە دووبارە بە کۆدی بەرپرسێک بە سێرڤەرەوە ببەستەوە: ئەوە PINەکە لادەبات.',
} satisfies Record<keyof typeof en, string>;
